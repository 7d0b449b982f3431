// The domain's ground floor: what a trial is given, what it reports and how it ends. Every layer
// (trainers, pool, sweep, store, report) speaks these types; this folder imports nothing of the
// project, so no trainer sits under the journal.

export type ParamValue = number | string | boolean;
/** A trial's hyperparameters: learning_rate, batch_size, epochs and whatever else the spec sweeps. */
export type Params = Record<string, ParamValue>;

/** A trial of the sweep's plan: a stable id, its position, its parameters. */
export interface PlannedTrial {
  id: string;
  index: number;
  params: Params;
}

/**
 * One evaluation of a trial (the name is from when every evaluation ended an epoch). `step` is the
 * optimizer step count at the evaluation (an integer >= 1, strictly increasing within a trial);
 * `epoch` is the training progress in epochs: 1-based and whole at an epoch's end, fractional
 * mid-epoch (step / steps per epoch, as transformers logs it). A trainer that reports only whole
 * epochs leaves `step` out: its points are epochs. Both increase together, so either orders a
 * trial's evaluations; journals written before steps were recorded have only `epoch`.
 * Every other field is what the trainer reported. The built-in engine reports train_loss (over the
 * steps since the previous evaluation), val_loss, seconds and its accuracy metrics; an external
 * trainer may report any further numeric metric (e.g. `val_bleu`), which is kept as it came, and
 * may leave out the losses it does not compute.
 */
export interface EpochMetrics {
  epoch: number;
  /** Optimizer steps taken when the evaluation ran (absent from epoch-only trainers and old journals). */
  step?: number;
  train_loss?: number;
  train_accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  val_f1?: number;
  val_perplexity?: number;
  /** Downsampled per-step train loss since the previous evaluation: [globalStep, loss]. */
  steps?: Array<[number, number]>;
  /** Wall time since the previous evaluation (the whole epoch when evaluations end epochs). */
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
  /** Few-shot: examples per class taken from the training side, and how many it had. */
  shots?: { perClass: number; from: number };
  /** What trains: set by the trainer once the method is applied. */
  training?: TrainingReport;
}

export interface TrainingReport {
  /** The fine-tuning method (full, head, top_k, lora). */
  method: string;
  /** Scalars that train (head and adapters included) and scalars of the whole model. */
  trainableParameters: number;
  totalParameters: number;
  /** Bytes of one resume checkpoint's tensors (trainable weights + AdamW moments, float32). */
  checkpointBytes: number;
  /** Bytes of the kept weights file (trainable weights only, float32). */
  weightsBytes: number;
  batchSize: number;
  /** The batch size asked for, when the training set was smaller and the batch shrank to it. */
  requestedBatchSize?: number;
  lora?: { rank: number; alpha: number; targets: string[] };
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
  // fromEpoch: the training progress the checkpoint holds (fractional mid-epoch); fromStep: its optimizer step.
  | { type: 'resumed'; fromEpoch: number; fromStep?: number }
  | { type: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'forgetting'; report: ForgettingReport }
  | { type: 'log'; message: string };

export type TrialOutcome = 'completed' | 'diverged' | 'stopped';

/** What ended an external program that was asked to stop: its stop file (it saved and exited), SIGTERM, or SIGKILL. */
export type EndedBy = 'stop_file' | 'SIGTERM' | 'SIGKILL';

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
  /**
   * How an external program that was stopped ended (the command trainer): what ended it (it read its
   * stop file and exited, SIGTERM, SIGKILL), after how long, and the same in words for the journal
   * ("it exited 0.2 s after SIGTERM").
   */
  termination?: { endedBy: EndedBy; afterS: number; note: string };
}
