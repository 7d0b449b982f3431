// The recorded evaluations a scheduler reads, and the view of them at one decision point.
//
// "The other trials' results at point p", for a trial X that just recorded an evaluation, means:
// the evaluations of other trials recorded in the journal BEFORE X's own record of it. Journal
// order is the only clock, so the uninterrupted run and a resumed run (which rebuilds the same list
// from the same journal) see exactly the same results at every decision.
//
// Programs evaluate where they like (every epoch, every N steps, at steps of their own choosing),
// so a trial's value "at p" is read at its first evaluation at or past p: its best value up to that
// evaluation. With every trial on the same grid (whole epochs, or the same eval_every_steps) this
// is exactly the value at p.
import type { Axis, EpochResult, ScheduleQuery } from './scheduler.js';

/** One evaluation on the scheduler's axis. */
export interface Point {
  at: number;
  value: number;
}

/** What a scheduler may look at when deciding `query`. */
export interface DecisionView {
  /** The query's position on the axis; undefined when its evaluation has none (no step on the step axis). */
  at: number | undefined;
  /** The trial's own evaluations up to and including the query's, in order of position. */
  own: Point[];
  /** Every other trial's evaluations recorded before the query, by trial, in journal order. */
  others: Map<string, Point[]>;
}

/** Where an evaluation lies on an axis (undefined: an epoch-only evaluation on the step axis). */
export function positionOf(r: { epoch: number; step?: number }, axis: Axis): number | undefined {
  const at = axis === 'step' ? r.step : r.epoch;
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

const sameEvaluation = (r: EpochResult, q: ScheduleQuery): boolean =>
  r.trialId === q.trialId && (q.step !== undefined ? r.step === q.step : r.epoch === q.epoch);

export function viewAt(results: readonly EpochResult[], query: ScheduleQuery, axis: Axis): DecisionView {
  const index = results.findIndex((r) => sameEvaluation(r, query));
  if (index < 0) throw new Error(`scheduler: no recorded result for trial ${query.trialId} epoch ${query.epoch}${query.step !== undefined ? ` step ${query.step}` : ''}`);
  const at = positionOf(results[index], axis);
  const own: Point[] = [];
  const others = new Map<string, Point[]>();
  if (at === undefined) return { at, own, others };
  for (let i = 0; i <= index; i++) {
    const r = results[i];
    const p = positionOf(r, axis);
    if (p === undefined) continue;
    if (r.trialId === query.trialId) {
      // The first record of each position counts (a resumed trial re-reports what it lost).
      if (p <= at && !own.some((o) => o.at === p)) own.push({ at: p, value: r.value });
      continue;
    }
    let curve = others.get(r.trialId);
    if (!curve) others.set(r.trialId, (curve = []));
    if (!curve.some((o) => o.at === p)) curve.push({ at: p, value: r.value });
  }
  own.sort((a, b) => a.at - b.at);
  return { at, own, others };
}

/**
 * A trial's values up to its first evaluation at or past `at`, or undefined when it has not
 * reached `at` yet.
 */
export function curveUpTo(curve: readonly Point[], at: number): number[] | undefined {
  const sorted = [...curve].sort((a, b) => a.at - b.at);
  const first = sorted.findIndex((p) => p.at >= at);
  if (first < 0) return undefined;
  return sorted.slice(0, first + 1).map((p) => p.value);
}

/**
 * Whether position `at` is the trial's last evaluation (its training ends there). A fractional
 * epoch computed two ways may differ in the last bit, hence the relative tolerance.
 */
export function atEnd(at: number, max: number | undefined): boolean {
  return max !== undefined && Number.isFinite(max) && at >= max * (1 - 1e-9);
}

/** The axis's word for a position, as decisions' reasons print it ("epoch 2", "step 300"). */
export function positionWords(axis: Axis, at: number): string {
  return `${axis} ${axis === 'epoch' ? Number(at.toFixed(4)) : at}`;
}
