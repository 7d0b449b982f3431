// Pareto ranks of two metrics (non-dominated sorting, as NSGA-II's, in O(n log n) for two
// dimensions). Pure: no I/O. Every value is oriented first so that lower is better.

export interface ParetoPoint {
  /** Lower is better. */
  a: number;
  /** Lower is better. */
  b: number;
}

/** p dominates q: no worse in both, better in one. */
function dominates(p: ParetoPoint, q: ParetoPoint): boolean {
  return p.a <= q.a && p.b <= q.b && (p.a < q.a || p.b < q.b);
}

/**
 * The Pareto rank of each point (1 = the front: dominated by none; 2 = dominated only by rank-1
 * points; ...), in the input's order. Points with a non-finite coordinate get no rank (undefined).
 */
export function paretoRanks(points: readonly ParetoPoint[]): Array<number | undefined> {
  const order = points
    .map((p, i) => i)
    .filter((i) => Number.isFinite(points[i].a) && Number.isFinite(points[i].b))
    .sort((i, j) => points[i].a - points[j].a || points[i].b - points[j].b || i - j);
  const ranks: Array<number | undefined> = new Array(points.length).fill(undefined);
  // The last point put in each front: sorted by a, a front's last point has its largest a and its
  // smallest b, so it is the one that dominates a later point if any of the front does.
  const lasts: ParetoPoint[] = [];
  for (const i of order) {
    const p = points[i];
    // Fronts dominating p form a prefix (front k+1's points are each dominated by one of front k).
    let lo = 0;
    let hi = lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dominates(lasts[mid], p)) lo = mid + 1;
      else hi = mid;
    }
    lasts[lo] = p;
    ranks[i] = lo + 1;
  }
  return ranks;
}

/**
 * For each point off the front, the index of a front point that dominates it with the smallest b
 * (the front member that scored at least as well on `a` and did best on `b`); undefined on the front.
 */
export function frontDominators(points: readonly ParetoPoint[], ranks: ReadonlyArray<number | undefined>): Array<number | undefined> {
  const front = points
    .map((p, i) => i)
    .filter((i) => ranks[i] === 1)
    .sort((i, j) => points[i].a - points[j].a || points[i].b - points[j].b);
  return points.map((p, i) => {
    if (ranks[i] === undefined || ranks[i] === 1) return undefined;
    // The last front point with a <= p.a has the smallest b among those that could dominate p.
    let lo = 0;
    let hi = front.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[front[mid]].a <= p.a) lo = mid + 1;
      else hi = mid;
    }
    const j = front[lo - 1];
    return j !== undefined && dominates(points[j], p) ? j : undefined;
  });
}
