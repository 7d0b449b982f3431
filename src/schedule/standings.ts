// How the trials stand at a position, for the schedulers' one question: "what had the other trials
// reached at position p, counting only the evaluations recorded before this one?"
//
// Scanning every recorded evaluation for each decision (viewAt) costs O(evaluations), so a sweep's
// decisions cost O(evaluations²): on the step axis a trial records tens of evaluations, and 2,000
// trials × 20 evaluations spent 49 s (ASHA) and 83 s (median) deciding alone (bench/schedule.ts).
// `Standings` reads the results once, as they are appended, and answers a decision in about
// O(log n) plus the few results recorded between an evaluation and its decision.
//
// Its answers are exactly the scan's (tests/schedule/standings.test.ts compares the two on random
// journals). It relies on each trial's positions rising in journal order, the protocols' rule (a
// resumed trial's re-reports are dropped upstream, in epochResults). When one does not (a retried
// attempt evaluating on another grid), `field` returns undefined and the scheduler scans.
import { bestLoss, loss, type Goal } from '../trial/objective.js';
import { curveUpTo, positionOf, viewAt } from './results.js';
import type { Axis, EpochResult, ScheduleQuery } from './scheduler.js';

/** The other trials at one position: their losses there (lower is better), as a sorted multiset. */
export interface Peers {
  readonly count: number;
  /** How many are strictly below `x`. */
  below(x: number): number;
  /** The k-th smallest (0-based). */
  kth(k: number): number;
}

/** What a rule may read when deciding a query. */
export interface Field {
  /** The query's position on the axis; undefined when its evaluation has none. */
  at: number | undefined;
  /** The position of the trial's previous evaluation, 0 when it has none. */
  previous: number;
  /** The trial's best loss up to its first evaluation at or past `p` (+Infinity when it has none). */
  ownBest(p: number): number;
  /** The other trials whose first evaluation at or past `p` was recorded before the query's. */
  peers(p: number): Peers;
}

/** The scan: every answer read off `results` directly. The reference `Standings` must match. */
export function scanField(results: readonly EpochResult[], query: ScheduleQuery, axis: Axis, goal: Goal): Field {
  const { at, own, others } = viewAt(results, query, axis);
  return {
    at,
    previous: own.length >= 2 ? own[own.length - 2].at : 0,
    ownBest: (p) => bestLoss(curveUpTo(own, p) ?? [], goal),
    peers(p) {
      const losses: number[] = [];
      for (const curve of others.values()) {
        const upTo = curveUpTo(curve, p);
        if (upTo) losses.push(bestLoss(upTo, goal));
      }
      losses.sort((a, b) => a - b);
      return { count: losses.length, below: (x) => lowerBound(losses, x), kth: (k) => losses[k] };
    },
  };
}

interface Row {
  /** Positions of the trial's evaluations (rising), the best loss up to each, and their journal indexes. */
  at: number[];
  best: number[];
  journal: number[];
  /** The journal index of the first record of each step and each epoch (to find a query's record). */
  firstOfStep: Map<number, number>;
  firstOfEpoch: Map<number, number>;
}

/** One position's crossings: each trial's first evaluation at or past it, in journal order. */
interface Crossing {
  journal: number[];
  loss: number[];
  /** The same losses, sorted. */
  sorted: number[];
  /** Each trial's index in journal and loss. */
  byTrial: Map<string, number>;
}

export class Standings {
  #read = 0;
  #tail: EpochResult | undefined;
  #rising = true;
  readonly #rows = new Map<string, Row>();
  /** Positions asked about so far, ascending, and their crossings. */
  readonly #positions: number[] = [];
  readonly #crossings = new Map<number, Crossing>();

  constructor(
    private readonly axis: Axis,
    private readonly goal: Goal,
    /** Positions kept up to date at most (MAX_POSITIONS); past them a position is answered from the rows. */
    private readonly maxPositions = MAX_POSITIONS,
  ) {}

  /**
   * Reads the results appended since the last call. False when `results` is not an extension of
   * what was read (the caller starts a new Standings).
   */
  sync(results: readonly EpochResult[]): boolean {
    if (results.length < this.#read || (this.#read > 0 && results[this.#read - 1] !== this.#tail)) return false;
    for (let j = this.#read; j < results.length; j++) this.#add(results[j], j);
    this.#read = results.length;
    this.#tail = results[results.length - 1];
    return true;
  }

  /** The field for `query` (whose record must have been read), or undefined when the scan must answer. */
  field(query: ScheduleQuery): Field | undefined {
    if (!this.#rising) return undefined;
    const row = this.#rows.get(query.trialId);
    const i = query.step !== undefined ? row?.firstOfStep.get(query.step) : row?.firstOfEpoch.get(query.epoch);
    if (row === undefined || i === undefined) {
      throw new Error(`scheduler: no recorded result for trial ${query.trialId} epoch ${query.epoch}${query.step !== undefined ? ` step ${query.step}` : ''}`);
    }
    const k = indexOf(row.journal, i);
    // A record without a position on this axis (an epoch-only evaluation on the step axis).
    if (k < 0) return { at: undefined, previous: 0, ownBest: () => Number.POSITIVE_INFINITY, peers: () => EMPTY };
    return {
      at: row.at[k],
      previous: k >= 1 ? row.at[k - 1] : 0,
      ownBest(p) {
        const m = lowerBound(row.at, p, k + 1);
        return m <= k ? row.best[m] : Number.POSITIVE_INFINITY;
      },
      peers: (p) => this.#peers(p, i, query.trialId),
    };
  }

  #add(r: EpochResult, j: number): void {
    let row = this.#rows.get(r.trialId);
    if (!row) this.#rows.set(r.trialId, (row = { at: [], best: [], journal: [], firstOfStep: new Map(), firstOfEpoch: new Map() }));
    if (r.step !== undefined && !row.firstOfStep.has(r.step)) row.firstOfStep.set(r.step, j);
    if (!row.firstOfEpoch.has(r.epoch)) row.firstOfEpoch.set(r.epoch, j);
    const p = positionOf(r, this.axis);
    if (p === undefined) return;
    const n = row.at.length;
    const last = n > 0 ? row.at[n - 1] : Number.NEGATIVE_INFINITY;
    if (!(p > last)) {
      this.#rising = false;
      return;
    }
    const best = Math.min(loss(r.value, this.goal), n > 0 ? row.best[n - 1] : Number.POSITIVE_INFINITY);
    row.at.push(p);
    row.best.push(best);
    row.journal.push(j);
    // The positions asked about that this evaluation crosses: those in (last, p].
    for (let q = upperBound(this.#positions, last); q < this.#positions.length && this.#positions[q] <= p; q++) {
      cross(this.#crossings.get(this.#positions[q])!, j, r.trialId, best);
    }
  }

  #crossing(p: number): Crossing | undefined {
    let c = this.#crossings.get(p);
    if (c || this.#positions.length >= this.maxPositions) return c;
    // First asked: every trial's first evaluation at or past p so far, then kept up to date by #add.
    const found: [journal: number, trial: string, loss: number][] = [];
    for (const [trial, row] of this.#rows) {
      const m = lowerBound(row.at, p);
      if (m < row.at.length) found.push([row.journal[m], trial, row.best[m]]);
    }
    found.sort((a, b) => a[0] - b[0]);
    c = { journal: [], loss: [], sorted: [], byTrial: new Map() };
    for (const [j, trial, l] of found) cross(c, j, trial, l);
    this.#crossings.set(p, c);
    this.#positions.splice(upperBound(this.#positions, p), 0, p);
    return c;
  }

  /** The crossings of p recorded before journal index i, less the query's own trial. */
  #peers(p: number, i: number, self: string): Peers {
    const c = this.#crossing(p);
    if (!c) return this.#peersByRow(p, i, self);
    // Left out: the crossings recorded at or after i (the few appended while the query's evaluation
    // was being made durable) and the trial's own.
    const before = lowerBound(c.journal, i);
    const out = c.loss.slice(before);
    const own = c.byTrial.get(self);
    if (own !== undefined && own < before) out.push(c.loss[own]);
    out.sort((a, b) => a - b);
    const sorted = c.sorted;
    return {
      count: sorted.length - out.length,
      below: (x) => lowerBound(sorted, x) - lowerBound(out, x),
      kth(k) {
        // The k-th of sorted less the multiset `out` (a subset of it): step past each left-out value
        // that lies at or before the candidate.
        let at = k;
        for (const x of out) {
          if (x <= sorted[at]) at++;
          else break;
        }
        return sorted[at];
      },
    };
  }

  /** The same answer from each trial's row: O(trials · log evaluations), for positions past the cap. */
  #peersByRow(p: number, i: number, self: string): Peers {
    const losses: number[] = [];
    for (const [trial, row] of this.#rows) {
      const m = lowerBound(row.at, p);
      if (trial !== self && m < row.at.length && row.journal[m] < i) losses.push(row.best[m]);
    }
    losses.sort((a, b) => a - b);
    return { count: losses.length, below: (x) => lowerBound(losses, x), kth: (k) => losses[k] };
  }
}

/**
 * Positions kept up to date at most: the rungs of ASHA are a handful, the median rule's positions
 * are the sweep's evaluation grid; a program that evaluates at steps of its own in every trial
 * would otherwise make one crossing list per evaluation.
 */
export const MAX_POSITIONS = 4096;

const EMPTY: Peers = Object.freeze({ count: 0, below: () => 0, kth: () => Number.NaN });

function cross(c: Crossing, j: number, trial: string, l: number): void {
  c.byTrial.set(trial, c.journal.length);
  c.journal.push(j);
  c.loss.push(l);
  c.sorted.splice(upperBound(c.sorted, l), 0, l);
}

/**
 * The scheduler's view of `results` for `query`: from the Standings kept for that array (read on as
 * it grows, rebuilt if it was replaced or rewritten), or the scan where the standings cannot answer.
 */
export function fieldOf(
  cache: WeakMap<readonly EpochResult[], Standings>,
  results: readonly EpochResult[],
  query: ScheduleQuery,
  axis: Axis,
  goal: Goal,
): Field {
  let s = cache.get(results);
  if (!s || !s.sync(results)) {
    s = new Standings(axis, goal);
    s.sync(results);
    cache.set(results, s);
  }
  return s.field(query) ?? scanField(results, query, axis, goal);
}

/** The first index in sorted `xs[0..end)` whose value is >= x. */
function lowerBound(xs: readonly number[], x: number, end = xs.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in sorted `xs` whose value is > x. */
function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of x in sorted `xs`, or -1. */
function indexOf(xs: readonly number[], x: number): number {
  const m = lowerBound(xs, x);
  return m < xs.length && xs[m] === x ? m : -1;
}
