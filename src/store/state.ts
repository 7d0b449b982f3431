// The state of every trial is a fold over the journal: no state is kept anywhere else.
import type { BudgetEnd } from '../trial/budget.js';
import type { TrialStatus } from '../trial/status.js';
import type { DataReport, EpochMetrics, ForgettingReport, Params } from '../trial/types.js';
import type { JournalEvent } from './events.js';

export interface TrialState {
  id: string;
  index: number;
  params: Params;
  status: TrialStatus;
  /** Attempts started so far (1 after the first trial_started). */
  attempts: number;
  /** trial_failed events so far (retries used = failures while the trial is pending again). */
  failures?: number;
  /** Epoch metrics in order, de-duplicated by epoch (a resumed trial may re-report). */
  epochs: EpochMetrics[];
  slot?: number;
  gpu?: number;
  backend?: string;
  dataReport?: DataReport;
  forgetting?: ForgettingReport;
  initialValLoss?: number;
  /** Last error (failed), divergence or stop reason. */
  reason?: string;
  outOfMemory?: boolean;
  /** The batch_size and grad_accum of the last out-of-memory retry (kept once the trial ends: it ran at them). */
  retryWith?: { batch_size: number; grad_accum: number };
  /** Out-of-memory retries made smaller (trial_failed with retry_with). */
  oomRetries?: number;
  /** Early stop rung (asha). */
  rung?: number;
  startedAt?: string;
  endedAt?: string;
  /** Files the retention policy removed (trial_files_removed). */
  removed?: Array<'checkpoint' | 'weights'>;
  /** Seconds spent training, summed over attempts where known. */
  seconds?: number;
  /** A repeat (`finesweep rerun`): the trial whose configuration it runs again with a new seed. */
  repeatOf?: string;
}

export interface SweepState {
  name?: string;
  specHash?: string;
  completed: boolean;
  /** The budget that ended the sweep's last run (sweep_ended), cleared by the next sweep_started. */
  ended?: BudgetEnd;
  trials: Map<string, TrialState>;
  lastSeq: number;
}

export type FoldTrials = (events: readonly JournalEvent[]) => SweepState;
