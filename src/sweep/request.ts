// What the sweep hands its trainer for one attempt of a planned trial, and the objective it ranks by.
import { join, resolve } from 'node:path';
import { deriveSeed } from '../rng.js';
import { checkpointDir } from '../trial/layout.js';
import type { EpochMetrics, PlannedTrial } from '../trial/types.js';
import type { Objective, ResolvedSpec } from '../spec/types.js';
import type { TrialRequest } from '../trainers/trainer.js';
import { attemptParams, type BatchShape } from './oom.js';

export interface RequestOptions {
  /** The trial's own directory (absolute, or relative to the working directory). */
  dir: string;
  /** The last epoch the journal recorded for the trial. */
  resumeEpoch?: number;
  /** That epoch's recorded evaluation (its step and epoch, for a trainer that evaluates every N steps). */
  resumeFrom?: EpochMetrics;
  /** The slot's GPUs. */
  gpus?: number[];
  /** The batch_size and grad_accum of an out-of-memory retry (oom.ts): over the spec's params, for this attempt only. */
  retryWith?: BatchShape;
}

export function trialRequest(spec: ResolvedSpec, trial: PlannedTrial, opts: RequestOptions): TrialRequest {
  const dir = resolve(opts.dir);
  return {
    trialId: trial.id,
    seed: deriveSeed(spec.seed, trial.id),
    sweepSeed: spec.seed,
    params: attemptParams(trial.params, opts.retryWith),
    dir,
    checkpointDir: checkpointDir(dir),
    resumeEpoch: opts.resumeEpoch ?? 0,
    ...(opts.resumeFrom !== undefined ? { resumeFrom: opts.resumeFrom } : {}),
    ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
    objective: objectiveOf(spec),
    keep: spec.resources.checkpoints?.keep ?? 'best',
  };
}

/** The metric that ranks trials and whether lower or higher is better. */
export function objectiveOf(spec: ResolvedSpec): Objective {
  return { metric: spec.objective.metric, goal: spec.objective.goal };
}
