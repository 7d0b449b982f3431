// The Sampler: what to try next. Grid, random and TPE implement it; the run loop talks to it
// only. It never stops a trial (that is the scheduler's job); it reads only the finished trials'
// parameters and objectives (sweep/history.ts reads them off the journal), so its proposals are
// rebuilt from the journal on resume.
import type { Params } from '../trial/types.js';

/** A trial that finished (completed, stopped early or diverged) with the objective it reached. */
export interface FinishedTrial {
  params: Params;
  /** NaN or ±Infinity for a trial that never produced a finite value: ranked worst. */
  objective: number;
}

export interface Sampler {
  /** The strategy's name, recorded with each trial it proposes at run time. */
  readonly name: string;
  /**
   * The parameters of trial `index` (0-based), given the finished trials in journal order. Grid
   * and random ignore the history; TPE reads it past its startup trials.
   */
  propose(index: number, history: readonly FinishedTrial[]): Params;
}
