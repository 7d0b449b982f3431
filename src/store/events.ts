// The journal's event format: one JSON object a line, append-only.
// The state of every trial is a fold over these events (see state.ts).
import type { BudgetEnd } from '../trial/budget.js';
import type { DataReport, EndedBy, EpochMetrics, ForgettingReport, Params } from '../trial/types.js';

interface Base {
  /** Sequence number, 1-based, strictly increasing in one journal. */
  seq: number;
  /** ISO-8601 time of the write. */
  time: string;
}

/**
 * The journal's format, written on sweep_started (`format`). 1 (no `format`): every evaluation is a
 * whole epoch. 2: an evaluation (epoch_ended) carries its optimizer `step` when the trainer counts
 * steps, and its `epoch` may be fractional. Readers take both; a journal of format 1 reads,
 * reports and resumes unchanged (its points stay epochs).
 */
export const JOURNAL_FORMAT = 2;

export type JournalEventBody =
  // spec_dir: where the spec's relative paths point (resume has only the sweep directory);
  // backend: a --backend override of the first run (the trainer's word), kept by resume;
  // format: JOURNAL_FORMAT of the finesweep that wrote the event (absent: 1).
  | { type: 'sweep_started'; name: string; spec_hash: string; trials: number; resumed: boolean; pid: number; host: string; spec_dir?: string; backend?: string; format?: number }
  // from_epoch: training progress already done, restored from the trial's checkpoint (0 = a fresh
  // start; fractional when it resumes from a mid-epoch evaluation);
  // the fold drops recorded epochs after it, since this attempt reports them again.
  // gpus: every GPU of the slot when a trial takes several (resources.gpus_per_trial); gpu is the first.
  | { type: 'trial_started'; trial_id: string; index: number; params: Params; slot: number; attempt: number; gpu?: number; gpus?: number[]; from_epoch: number }
  | { type: 'data_report'; trial_id: string; report: DataReport; backend?: string }
  | { type: 'epoch_ended'; trial_id: string; metrics: EpochMetrics }
  | { type: 'trial_completed'; trial_id: string; seconds: number; forgetting?: ForgettingReport; initial_val_loss?: number }
  // retry_with: an out-of-memory attempt is retried smaller (sweep/oom.ts): the next attempt's
  // batch_size and grad_accum (the same effective batch); absent: the next attempt keeps its shape.
  | { type: 'trial_failed'; trial_id: string; attempt: number; error: string; will_retry: boolean; out_of_memory?: boolean; bad_input?: boolean; retry_with?: { batch_size: number; grad_accum: number } }
  | { type: 'trial_diverged'; trial_id: string; epoch: number; reason: string }
  // ended_by: what ended an external program that was stopped (its stop file, SIGTERM, or SIGKILL).
  | { type: 'trial_stopped'; trial_id: string; epoch: number; reason: string; ended_by?: EndedBy }
  | { type: 'trial_stopped_early'; trial_id: string; epoch: number; rung?: number; reason: string; ended_by?: EndedBy }
  // repeat_of: a repeat (`finesweep rerun`, spec `rerun`): the trial whose configuration (params) it
  // runs again; its own id gives it a new seed. sampler is then 'rerun'.
  | { type: 'trial_proposed'; trial_id: string; index: number; params: Params; sampler: string; repeat_of?: string }
  | { type: 'journal_repaired'; dropped_bytes: number }
  // The retention policy (resources.checkpoints) removed a finished trial's resume checkpoint or kept weights.
  | { type: 'trial_files_removed'; trial_id: string; what: 'checkpoint' | 'weights'; bytes: number; reason: string }
  | { type: 'sweep_completed'; completed: number; failed: number; diverged: number; stopped_early: number }
  // The sweep's budget (spec stop_when) ended it: no new trial starts until a resume gives it a
  // larger one. A finesweep older than this event skips it (the fold ignores unknown types).
  | ({ type: 'sweep_ended' } & BudgetEnd);

export type JournalEvent = JournalEventBody & Base;

