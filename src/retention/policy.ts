// What a sweep's trials keep on disk (resources.checkpoints), decided from the journal's state and
// the sizes of each trial's files. Pure: no I/O, no clock; apply.ts measures, removes and journals.
//
// - A trial that may still run (pending, running, stopped by an interrupt, failed and to be retried)
//   keeps everything: its resume checkpoint is how it continues.
// - A finished trial (completed, diverged, stopped early) no longer needs its resume checkpoint
//   (weights + optimizer state): it goes, unless keep is "all".
// - Only the top keep_top_trials trials by the objective (at their best epoch, over every trial
//   with a score, running ones included) keep their weights; a finished trial that ranks out, or
//   has no finite score, loses them.
// - Over max_disk_mb, the lowest-ranked finished trials' weights go next, never the best trial's.

/** Statuses after which a trial never trains again. */
export const FINISHED: ReadonlySet<string> = new Set(['completed', 'diverged', 'stopped_early']);

export interface RetentionPolicy {
  keep: 'best' | 'last' | 'all';
  keep_top_trials: number;
  max_disk_mb?: number;
}

/** resources.checkpoints' defaults (also the schema's). */
export const DEFAULT_RETENTION: RetentionPolicy = { keep: 'best', keep_top_trials: 5 };

export interface TrialFiles {
  id: string;
  status: string;
  /** The objective at the trial's best epoch (undefined: no finite value yet). */
  best?: number;
  /** Bytes on disk of its resume checkpoint directory and of its kept weights directory. */
  checkpointBytes: number;
  weightsBytes: number;
}

export interface Removal {
  trial_id: string;
  what: 'checkpoint' | 'weights';
  bytes: number;
  reason: string;
}

/** Trials with a score, best first (ties by id, so the order does not depend on the input's). */
export function rankTrials(trials: readonly TrialFiles[], goal: 'minimize' | 'maximize'): TrialFiles[] {
  const sign = goal === 'minimize' ? 1 : -1;
  return trials
    .filter((t) => t.best !== undefined && Number.isFinite(t.best))
    .sort((a, b) => sign * (a.best! - b.best!) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function retentionDecisions(trials: readonly TrialFiles[], policy: RetentionPolicy, goal: 'minimize' | 'maximize'): Removal[] {
  const out: Removal[] = [];
  const finished = (t: TrialFiles) => FINISHED.has(t.status);
  if (policy.keep !== 'all') {
    for (const t of trials) {
      if (finished(t) && t.checkpointBytes > 0) {
        out.push({ trial_id: t.id, what: 'checkpoint', bytes: t.checkpointBytes, reason: `trial ${t.status}: its resume checkpoint is no longer needed (keep "${policy.keep}")` });
      }
    }
  }
  const ranked = rankTrials(trials, goal);
  const rankOf = new Map(ranked.map((t, i) => [t.id, i + 1]));
  const kept: TrialFiles[] = [];
  for (const t of trials) {
    if (!finished(t) || t.weightsBytes === 0) continue;
    const rank = rankOf.get(t.id);
    if (rank === undefined) out.push({ trial_id: t.id, what: 'weights', bytes: t.weightsBytes, reason: `trial ${t.status} without a finite objective value` });
    else if (rank > policy.keep_top_trials) {
      out.push({ trial_id: t.id, what: 'weights', bytes: t.weightsBytes, reason: `ranks ${rank}, outside keep_top_trials ${policy.keep_top_trials}` });
    } else kept.push(t);
  }
  if (policy.max_disk_mb !== undefined) {
    const removed = new Set(out.map((r) => `${r.trial_id}/${r.what}`));
    let total = 0;
    for (const t of trials) {
      if (!removed.has(`${t.id}/checkpoint`)) total += t.checkpointBytes;
      if (!removed.has(`${t.id}/weights`)) total += t.weightsBytes;
    }
    const budget = policy.max_disk_mb * 1024 * 1024;
    // Worst first; the best trial overall (rank 1) is never removed for space.
    for (const t of kept.sort((a, b) => rankOf.get(b.id)! - rankOf.get(a.id)!)) {
      if (total <= budget) break;
      if (rankOf.get(t.id) === 1) continue;
      out.push({ trial_id: t.id, what: 'weights', bytes: t.weightsBytes, reason: `ranks ${rankOf.get(t.id)}; the sweep is over max_disk_mb ${policy.max_disk_mb}` });
      total -= t.weightsBytes;
    }
  }
  return out;
}
