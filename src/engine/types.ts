// The engine's contract: one trial config in, a stream of the domain's events and a result out.
// The engine knows nothing about sweeps; only the tfjs trainer and the CLI's train/pretrain use it.
import type { TrialEvent } from '../trial/types.js';

export type { DataReport, EpochMetrics, ForgettingReport, TrialEvent, TrialOutcome, TrialResult } from '../trial/types.js';

export type TaskType = 'classification' | 'causal-lm';
export type Method = 'full' | 'head' | 'top_k';
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
  /** The trial's own directory: checkpoint/ lives here. Created by the caller. */
  dir: string;
}

export interface RunTrialOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrialEvent) => void;
}

