// The engine's contract: one trial config in, a stream of events and a result out.
// The engine knows nothing about sweeps; the pool and the store speak these types.

export type TaskType = 'classification' | 'causal-lm';
export type Method = 'full' | 'head' | 'top_k' | 'lora';
/** What a trial keeps after it ends: its best epoch's weights, its last epoch's, or both (resources.checkpoints.keep). */
export type KeepPolicy = 'best' | 'last' | 'all';
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
/** Every backend, in the order `auto` tries them. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
/** What `--backend` (and the spec's `resources.backend`) accepts. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKEND_ORDER];

/** Everything one fine-tune needs. Paths are absolute (the controller resolves them). */
export interface TrialConfig {
  trialId: string;
  /** Per-trial seed, derived from the sweep seed and the trial id. */
  seed: number;
  task: {
    type: TaskType;
    /** Base model directory (model.json, weights.bin, tokenizer.json, model-card.json). */
    model: string;
    data: {
      train: string;
      validation?: string;
      split: number;
      textField: string;
      labelField: string;
      maxExamples?: number;
      maxLength?: number;
      /**
       * Seed of the train/validation split and of the max_examples sample. Every trial of a sweep
       * gets the sweep's seed here, so that all trials are compared on the same validation set.
       * Defaults to the trial seed.
       */
      seed?: number;
      /** Few-shot: this many training examples per class (seeded by `seed`, training side only). */
      shots?: number;
    };
    method: Method;
    topK: number;
    forgetting: boolean;
  };
  params: {
    learning_rate: number;
    batch_size: number;
    epochs: number;
    weight_decay?: number;
    dropout?: number;
    warmup_ratio?: number;
    [name: string]: number | string | boolean | undefined;
  };
  backend: BackendChoice;
  /** The metric whose best epoch's weights the trial keeps (default val_loss, minimized). */
  objective?: { metric: string; goal: 'minimize' | 'maximize' };
  /** Which weights the trial writes beside its resume checkpoint (default 'best'). */
  keep?: KeepPolicy;
  /** The trial's own directory: checkpoint/ lives here. Created by the caller. */
  dir: string;
  /**
   * Test-only trial kinds that do no training (kept for the orchestration benchmark and fault tests):
   * 'train' (default) runs the real fine-tune.
   */
  kind?: 'train' | 'noop' | 'throw' | 'nan' | 'hang' | 'exit' | 'devices' | 'oom';
}

export interface EpochMetrics {
  epoch: number; // 1-based
  train_loss: number;
  train_accuracy?: number;
  val_loss: number;
  val_accuracy?: number;
  val_f1?: number;
  val_perplexity?: number;
  /** Downsampled per-step train loss of this epoch: [globalStep, loss]. */
  steps?: Array<[number, number]>;
  seconds: number;
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
  /** What trains: set by the engine once the method is applied. */
  training?: TrainingReport;
}

export interface TrainingReport {
  method: Method;
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

export type TrialEvent =
  | { type: 'backend'; name: BackendName; reason: string }
  | { type: 'data_report'; report: DataReport }
  | { type: 'resumed'; fromEpoch: number }
  | { type: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'forgetting'; report: ForgettingReport }
  | { type: 'log'; message: string };

export type TrialOutcome = 'completed' | 'diverged' | 'stopped';

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
  backend: BackendName;
  seconds: number;
}

export interface RunTrialOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrialEvent) => void;
}

/** Thrown for bad data or model input; carries a message that names the file (and line). */
export class TrialInputError extends Error {
  override name = 'TrialInputError';
}
