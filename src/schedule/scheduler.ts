// The Scheduler: decides, from recorded evaluations only, whether a trial that just recorded one
// continues or stops early. It never invents trials (that is the sampler's job) and does no I/O,
// so a resumed sweep fed the same journal takes the same decisions.

/**
 * What a scheduler measures a trial's progress in: whole or fractional epochs (`min_epochs`), or
 * optimizer steps (`min_steps`). Rungs and grace periods are positions on this axis.
 */
export type Axis = 'epoch' | 'step';

/** One recorded evaluation: the trial's objective value at that point, in journal order. */
export interface EpochResult {
  trialId: string;
  /** Training progress in epochs: 1-based, fractional mid-epoch. */
  epoch: number;
  /** Optimizer steps at the evaluation; absent for an epoch-only trainer (and journals of format 1). */
  step?: number;
  /** The objective metric at this point (NaN or ±Infinity count as the worst possible value). */
  value: number;
}

/**
 * The question asked after trial `trialId` recorded the evaluation at `epoch` (and `step`), with
 * where its training ends on each axis (`maxEpochs`, `maxSteps`; undefined when unknown).
 */
export interface ScheduleQuery {
  trialId: string;
  epoch: number;
  step?: number;
  maxEpochs?: number;
  maxSteps?: number;
}

export type Decision =
  | { action: 'continue' }
  | { action: 'stop'; epoch: number; rung?: number; reason: string };

export interface Scheduler {
  readonly name: 'median' | 'asha';
  readonly axis: Axis;
  /**
   * Decide for `query` given every recorded result in journal order. Only the results recorded
   * before the query's own result (its first record) are taken into account; later records and
   * duplicates (a resumed trial re-reporting an evaluation) never change a decision. The query's
   * own result must be in `results`.
   */
  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision;
}

export const CONTINUE: Decision = Object.freeze({ action: 'continue' });
