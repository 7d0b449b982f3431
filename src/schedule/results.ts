// The recorded epoch results a scheduler reads, and the view of them at one decision point.
//
// "The other trials' results at epoch k", for a trial X that just recorded epoch k, means: the
// epoch_ended events of other trials recorded in the journal BEFORE X's epoch_ended event for
// epoch k. Journal order is the only clock, so the uninterrupted run and a resumed run (which
// rebuilds the same list from the same journal) see exactly the same results at every decision.
import type { EpochResult, ScheduleQuery } from './scheduler.js';

/** What a scheduler may look at when deciding `query`. */
export interface DecisionView {
  /** The trial's own values for epochs 1..k (index epoch-1; a gap reads as NaN). */
  own: number[];
  /** Every other trial's values recorded before the query, by trial then epoch. */
  others: Map<string, Map<number, number>>;
}

export function viewAt(results: readonly EpochResult[], query: ScheduleQuery): DecisionView {
  const at = results.findIndex((r) => r.trialId === query.trialId && r.epoch === query.epoch);
  if (at < 0) throw new Error(`scheduler: no recorded result for trial ${query.trialId} epoch ${query.epoch}`);
  const own: number[] = Array.from({ length: query.epoch }, () => Number.NaN);
  const ownSeen = new Set<number>();
  const others = new Map<string, Map<number, number>>();
  for (let i = 0; i <= at; i++) {
    const r = results[i];
    if (r.trialId === query.trialId) {
      if (r.epoch <= query.epoch && !ownSeen.has(r.epoch)) {
        ownSeen.add(r.epoch);
        own[r.epoch - 1] = r.value;
      }
      continue;
    }
    let curve = others.get(r.trialId);
    if (!curve) others.set(r.trialId, (curve = new Map()));
    if (!curve.has(r.epoch)) curve.set(r.epoch, r.value);
  }
  return { own, others };
}

/** Values of `curve` for epochs 1..k, or undefined when the trial has not reached epoch k. */
export function curveUpTo(curve: Map<number, number>, k: number): number[] | undefined {
  if (!curve.has(k)) return undefined;
  const out: number[] = [];
  for (const [epoch, value] of curve) if (epoch <= k) out.push(value);
  return out;
}
