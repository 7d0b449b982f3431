// One recommendation per trial, resolved from its flags in a fixed priority order, so a trial is
// never told two contradictory things (say "more epochs" and "fewer epochs"). Pure: no I/O.
//
// Priority, highest first, and why:
//   diverged        nothing else about the curves means anything until the run is stable;
//   leakage         the validation score cannot be trusted: fix the data before tuning on it;
//   overfitting     the best epoch is already behind: more training only hurts;
//   underfitting    the model has not learnt the task yet;
//   still_improving it learns and would gain from more epochs;
//   forgetting      a trade-off against the general-text perplexity, for a trial that is otherwise fine.
import type { Flag, FlagName } from './flag.js';

export const RECOMMENDATION_PRIORITY: readonly FlagName[] = ['diverged', 'leakage', 'overfitting', 'underfitting', 'still_improving', 'forgetting'];

export interface Recommendation {
  /** The flag it comes from. */
  flag: FlagName;
  /** What to do, in one line. */
  text: string;
}

/** The advice of the trial's highest-priority flag; undefined for a trial with no flag. */
export function recommend(flags: readonly Flag[]): Recommendation | undefined {
  let best: Flag | undefined;
  for (const f of flags) {
    if (!best || RECOMMENDATION_PRIORITY.indexOf(f.name) < RECOMMENDATION_PRIORITY.indexOf(best.name)) best = f;
  }
  return best && { flag: best.name, text: best.advice };
}
