// What a sweep's trials keep on disk (resources.checkpoints), decided from the journal's state and
// the sizes of each trial's files. Pure: no I/O, no clock; apply.ts measures, removes and journals.
//
// - A trial that may still run (pending, running, stopped by an interrupt, failed and to be retried)
//   keeps everything: its resume checkpoint is how it continues.
// - A finished trial (completed, diverged, stopped early) no longer needs its resume checkpoint
//   (weights + optimizer state): it goes, unless keep is "all".
// - Only the top keep_top_trials trials by the objective (at their best evaluation, over every trial
//   with a score, running ones included) keep their weights; a finished trial that ranks out, or
//   has no finite score, loses them.
// - Over max_disk_mb, the lowest-ranked finished trials' weights go next, never the best trial's.

import { compareValues, type Goal } from '../trial/objective.js';
import { hasOutcome, type TrialStatus } from '../trial/status.js';
import type { TrialFilesKind } from '../trial/layout.js';

export interface RetentionPolicy {
  keep: 'best' | 'last' | 'all';
  keep_top_trials: number;
  max_disk_mb?: number;
}

/** resources.checkpoints' defaults (also the schema's). */
export const DEFAULT_RETENTION: RetentionPolicy = { keep: 'best', keep_top_trials: 5 };

export interface TrialFiles {
  id: string;
  status: TrialStatus | string;
  /** The objective at the trial's best evaluation, at whatever step it came (undefined: no finite value yet). */
  best?: number;
  /** Bytes on disk of its resume checkpoint directory and of its kept weights directory. */
  checkpointBytes: number;
  weightsBytes: number;
}

export interface Removal {
  trial_id: string;
  what: TrialFilesKind;
  bytes: number;
  reason: string;
}

/** The order of scored trials: the better best first, ties by id (so that it does not depend on the input's order). */
export function byBest(a: { id: string; best: number }, b: { id: string; best: number }, goal: Goal): number {
  return compareValues(a.best, b.best, goal) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Trials with a finite score, best first. */
function scoredBestFirst(trials: readonly TrialFiles[], goal: Goal): TrialFiles[] {
  return trials
    .filter((t): t is TrialFiles & { best: number } => t.best !== undefined && Number.isFinite(t.best))
    .sort((a, b) => byBest(a, b, goal));
}

/**
 * What to remove. `rankOf` gives a trial's rank among every scored trial of the sweep when
 * `trials` holds only some of them (those with files, and the top keep_top_trials); by default
 * the ranks are counted over `trials`.
 */
export function retentionDecisions(trials: readonly TrialFiles[], policy: RetentionPolicy, goal: Goal, rankOf?: (id: string) => number | undefined): Removal[] {
  const out: Removal[] = [];
  const finished = (t: TrialFiles) => hasOutcome(t.status);
  if (policy.keep !== 'all') {
    for (const t of trials) {
      if (finished(t) && t.checkpointBytes > 0) {
        out.push({ trial_id: t.id, what: 'checkpoint', bytes: t.checkpointBytes, reason: `trial ${t.status}: its resume checkpoint is no longer needed (keep "${policy.keep}")` });
      }
    }
  }
  if (rankOf === undefined) {
    const ranks = new Map(scoredBestFirst(trials, goal).map((t, i) => [t.id, i + 1]));
    rankOf = (id) => ranks.get(id);
  }
  const rankIn = rankOf;
  const kept: TrialFiles[] = [];
  for (const t of trials) {
    if (!finished(t) || t.weightsBytes === 0) continue;
    const rank = rankIn(t.id);
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
    for (const t of kept.sort((a, b) => rankIn(b.id)! - rankIn(a.id)!)) {
      if (total <= budget) break;
      if (rankIn(t.id) === 1) continue;
      out.push({ trial_id: t.id, what: 'weights', bytes: t.weightsBytes, reason: `ranks ${rankIn(t.id)}; the sweep is over max_disk_mb ${policy.max_disk_mb}` });
      total -= t.weightsBytes;
    }
  }
  return out;
}
