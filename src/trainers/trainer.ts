// The Trainer port: what finesweep needs from anything that can train one trial. A trainer knows
// nothing of sweeps, slots or the journal: it turns the spec's task and one trial into a config,
// runs it honouring an AbortSignal, reports events, and returns how the attempt ended.
import type { EpochMetrics, Params, TrialEvent, TrialResult } from '../trial/types.js';

/**
 * Where a trial runs. thread: a worker thread of the pool (tfjs on wasm/cpu); child: a forked
 * process with the slot's CUDA_VISIBLE_DEVICES (native tfjs, which reads the environment once and
 * cannot share a process); inline: the controller's own thread, for trainers that only supervise
 * an external program (so that a hard kill can still reach that program).
 */
export type TrialPlace = 'thread' | 'child' | 'inline';

/** What the sweep hands a trainer for one attempt of one trial. */
export interface TrialRequest {
  trialId: string;
  /** The trial's own seed (derived from the sweep seed and the trial id). */
  seed: number;
  /** The sweep's seed, for what every trial must share (e.g. the train/validation split). */
  sweepSeed: number;
  params: Params;
  /** The trial's directory (absolute; the trainer may create it and checkpoint/ inside it). */
  dir: string;
  /** dir/checkpoint: where the trainer keeps what it needs to resume. */
  checkpointDir: string;
  /** The last epoch the journal recorded for this trial (0 = a fresh start). */
  resumeEpoch: number;
  /** That epoch's recorded evaluation, when there is one: its `step`, for a trainer that evaluates every N steps. */
  resumeFrom?: EpochMetrics;
  /** The slot's GPU ids (CUDA_VISIBLE_DEVICES); undefined on a CPU slot. */
  gpus?: number[];
  /** The sweep's objective: a trainer that keeps best-epoch weights keeps them by it. */
  objective?: { metric: string; goal: 'minimize' | 'maximize' };
  /** resources.checkpoints.keep: which weights the trial keeps beside its resume checkpoint. */
  keep?: 'best' | 'last' | 'all';
}

/** What a trainer is told about the sweep around a trial: where the spec is, and overrides. */
export interface TrainerContext {
  /** Directory of the spec file: relative paths in the task are relative to it. */
  specDir: string;
  /** The spec file itself, for messages (absent on resume, which has only the sweep directory). */
  specPath?: string;
  /** A backend override (the CLI's --backend, or resources.backend); the trainer's own word. */
  backend?: string;
}

export interface TrainerRunOptions {
  /** Graceful stop (early stop, Ctrl-C, SIGTERM, timeout): checkpoint and return 'stopped'. */
  signal: AbortSignal;
  /** Hard stop: end now. Only inline trainers get it (threads are terminated, processes killed). */
  kill?: AbortSignal;
  onEvent: (event: TrialEvent) => void;
}

export interface Trainer<Config = unknown> {
  /** The spec's task.type it serves ('classification', 'causal-lm', 'command', ...). */
  readonly name: string;
  /** Where the trial of this config runs. */
  place(config: Config): TrialPlace;
  /**
   * Check the task's inputs (paths, programs) before the sweep directory exists, so that a typo
   * fixed in the spec can simply be run again. Throws InputError naming the field.
   */
  check?(task: unknown, ctx: TrainerContext): void | Promise<void>;
  /**
   * Whether the evaluations of this task's trials carry their optimizer `step`, so that early
   * stopping may count steps (early_stopping.min_steps). Absent: epochs only.
   */
  reportsSteps?(task: unknown): boolean;
  /** The spec's task and one trial -> a structured-cloneable config (it crosses threads). Pure. */
  configure(task: unknown, request: TrialRequest, ctx: TrainerContext): Config;
  /**
   * Run one attempt. Throw InputError (errors.ts) for bad input that no retry can fix; any other
   * error fails the attempt (retried per max_retries).
   */
  run(config: Config, opts: TrainerRunOptions): Promise<TrialResult>;
}
