// The engine's contract: one trial config in, a stream of the domain's events and a result out.
// The engine knows nothing about sweeps; only the tfjs trainer and the CLI's train/pretrain use it.
import type { DataReport, EpochMetrics, ForgettingReport, TrainingReport, TrialEvent, TrialOutcome, TrialResult } from '../trial/types.js';

import type { EngineTask, Method } from '../trial/method.js';
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
    type: EngineTask;
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
    /** task.eval_every_steps: validate every N optimizer steps as well as at each epoch's end. */
    evalEverySteps?: number;
  };
  params: {
    learning_rate: number;
    batch_size: number;
    /** Passes over the training set; optional when max_steps is the budget. */
    epochs?: number;
    /** The budget in optimizer steps: wins over epochs (as in transformers); the LR schedule spans it. */
    max_steps?: number;
    /** A swept eval_every_steps (wins over task.eval_every_steps). */
    eval_every_steps?: number;
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
}

export interface RunTrialOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrialEvent) => void;
}

