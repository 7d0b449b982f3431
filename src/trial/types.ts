// The domain's ground floor: what a trial is given, what it reports and how it ends. Every layer
// (trainers, pool, sweep, store, report) speaks these types; this folder imports nothing of the
// project, so no trainer sits under the journal.

export type ParamValue = number | string | boolean;
/** A trial's hyperparameters: learning_rate, batch_size, epochs and whatever else the spec sweeps. */
export type Params = Record<string, ParamValue>;

/**
 * One validated epoch. `epoch` is 1-based; every other field is what the trainer reported. The
 * built-in engine reports train_loss, val_loss, seconds and its accuracy metrics; an external
 * trainer may report any further numeric metric (e.g. `val_bleu`), which is kept as it came, and
 * may leave out the losses it does not compute.
 */
export interface EpochMetrics {
  epoch: number;
  train_loss?: number;
  train_accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  val_f1?: number;
  val_perplexity?: number;
  /** Downsampled per-step train loss of this epoch: [globalStep, loss]. */
  steps?: Array<[number, number]>;
  /** Wall time of the epoch. */
  seconds?: number;
  [metric: string]: unknown;
}

export interface DataReport {
  train: { file: string; count: number; emptyTexts: number; duplicates: number; truncated: number; labels?: Record<string, number> };
  validation: { file: string; count: number; emptyTexts: number; duplicates: number; truncated: number; labels?: Record<string, number> };
  /** Examples whose normalized text appears in both train and validation. */
  leakage: { count: number; examples: string[] };
  warnings: string[];
  /** Loss of always predicting the class prior (classification), for the underfitting rule. */
  priorLoss?: number;
  majorityRate?: number;
}

export interface ForgettingReport {
  /** Perplexity of the base model on a held-out sample of its general corpus. */
  basePerplexity: number;
  /** The same after the fine-tune (through the body with the base LM head kept aside). */
  finalPerplexity: number;
}

/** What a running trial reports as it goes. `backend` names what it runs on (a tfjs backend, a program). */
export type TrialEvent =
  | { type: 'backend'; name: string; reason: string }
  | { type: 'data_report'; report: DataReport }
  | { type: 'resumed'; fromEpoch: number }
  | { type: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'forgetting'; report: ForgettingReport }
  | { type: 'log'; message: string };

export type TrialOutcome = 'completed' | 'diverged' | 'stopped';

/** How one attempt of a trial ended, as its trainer saw it (a failure is a thrown error instead). */
export interface TrialResult {
  trialId: string;
  outcome: TrialOutcome;
  /** Why a trial diverged or stopped. */
  reason?: string;
  epochs: EpochMetrics[];
  dataReport?: DataReport;
  forgetting?: ForgettingReport;
  /** Loss of the model before any fine-tuning step (first validation pass), for diagnosis. */
  initialValLoss?: number;
  /** What it ran on (a tfjs backend name, or the trainer's own word). */
  backend: string;
  seconds: number;
}
