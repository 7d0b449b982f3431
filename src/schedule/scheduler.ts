// The Scheduler: decides, from recorded epoch results only, whether a trial that just finished an
// epoch continues or stops early. It never invents trials (that is the sampler's job) and does no
// I/O, so a resumed sweep fed the same journal takes the same decisions.

/** One recorded epoch result: the trial's objective value at that epoch, in journal order. */
export interface EpochResult {
  trialId: string;
  /** 1-based epoch. */
  epoch: number;
  /** The objective metric at this epoch (NaN or ±Infinity count as the worst possible value). */
  value: number;
}

/** The question asked after trial `trialId` recorded epoch `epoch` (of `maxEpochs` planned). */
export interface ScheduleQuery {
  trialId: string;
  epoch: number;
  maxEpochs: number;
}

export type Decision =
  | { action: 'continue' }
  | { action: 'stop'; epoch: number; rung?: number; reason: string };

export interface Scheduler {
  readonly name: 'median' | 'asha';
  /**
   * Decide for `query` given every recorded result in journal order. Only the results recorded
   * before the query's own result (its first record) are taken into account; later records and
   * duplicates (a resumed trial re-reporting an epoch) never change a decision. The query's own
   * result must be in `results`.
   */
  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision;
}

export const CONTINUE: Decision = Object.freeze({ action: 'continue' });
