// The Trainer port as TRAINER-CONTRACT.md drafts it, kept here only until the redesign (h11a) lands
// src/trainers/trainer.ts and src/trial/: then these names are imported from there instead.
import type { TrialEvent as EngineEvent } from '../../engine/types.js';

export type Params = Record<string, number | string | boolean>;

/** One epoch as reported: any numeric metric a program reports is kept. */
export interface EpochMetrics {
  epoch: number;
  train_loss?: number;
  val_loss?: number;
  seconds?: number;
  [metric: string]: number | undefined;
}

export type TrialEvent =
  | Exclude<EngineEvent, { type: 'epoch' }>
  | { type: 'epoch'; metrics: EpochMetrics };

export type TrialOutcome = 'completed' | 'diverged' | 'stopped';

export interface TrialResult {
  trialId: string;
  outcome: TrialOutcome;
  reason?: string;
  epochs: EpochMetrics[];
  backend: string;
  seconds: number;
  /** A command trial that finesweep stopped: the signal that ended its program, and after how long. */
  stop?: { signal: 'SIGTERM' | 'SIGKILL'; afterS: number };
}

export type TrialPlace = 'thread' | 'child' | 'inline';

export interface TrialRequest {
  trialId: string;
  seed: number;
  sweepSeed?: number;
  params: Params;
  dir: string;
  checkpointDir: string;
  resumeEpoch: number;
  gpus?: number[];
}

export interface TrainerRunOptions {
  signal: AbortSignal;
  kill?: AbortSignal;
  onEvent: (event: TrialEvent) => void;
}

export interface TrainerContext {
  specDir: string;
  /** The spec file as the user named it, to prefix problems with (`file: /pointer: message`). */
  specPath?: string;
  /** resources.trial_timeout_s: for a command trial, the longest silence allowed. */
  trialTimeoutS?: number;
}

export interface Trainer<Config = unknown> {
  readonly name: string;
  place(config: Config): TrialPlace;
  check?(task: unknown, ctx: TrainerContext): void | Promise<void>;
  configure(task: unknown, request: TrialRequest, ctx: TrainerContext): Config;
  run(config: Config, opts: TrainerRunOptions): Promise<TrialResult>;
}
