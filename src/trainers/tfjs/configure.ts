// The tfjs trainer's configure and check: the spec's task and one trial request -> the engine's
// TrialConfig (absolute paths, the trial's own seed, the sweep's data split). Pure, apart from
// check's look at the disk.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BackendChoice, TrialConfig } from '../../engine/types.js';
import type { Method } from '../../trial/method.js';
import { InputError } from '../../errors.js';
import { deriveSeed } from '../../rng.js';
import { METHODS } from '../../trial/method.js';
import type { EngineTaskSpec } from '../../spec/types.js';
import type { TrainerContext, TrialRequest } from '../trainer.js';

/** The spec's task, as the schema resolved it. */
export type TfjsTask = EngineTaskSpec;

// The spec's list of methods is the engine's (a type error here if they drift apart).
const ENGINE_METHODS: readonly Method[] = METHODS;

/** Parameters that the TrialConfig carries in `task`, not in `params`, when they are swept. */
const TASK_PARAMETERS = new Set(['method', 'top_k']);

export function toTrialConfig(task: TfjsTask, request: TrialRequest, ctx: TrainerContext): TrialConfig {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.specDir, p));
  const data = task.data;
  const { learning_rate, batch_size, epochs, max_steps } = request.params;
  const params: TrialConfig['params'] = {
    learning_rate: numberParam(request, 'learning_rate', learning_rate),
    batch_size: numberParam(request, 'batch_size', batch_size),
    // max_steps, when swept, is the budget and epochs optional (the engine checks the pair).
    ...(epochs !== undefined || max_steps === undefined ? { epochs: numberParam(request, 'epochs', epochs) } : {}),
  };
  for (const [name, value] of Object.entries(request.params)) {
    if (!(name in params) && !TASK_PARAMETERS.has(name)) params[name] = value;
  }
  const method = request.params.method ?? task.method;
  if (!ENGINE_METHODS.includes(method as Method)) {
    throw new InputError(`trial ${request.trialId}: method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  }
  const topK = request.params.top_k ?? task.top_k;
  return {
    trialId: request.trialId,
    seed: request.seed,
    task: {
      type: task.type,
      model: at(task.model),
      data: {
        train: at(data.train),
        ...(data.validation !== undefined ? { validation: at(data.validation) } : {}),
        split: data.split,
        // The split is the sweep's, not the trial's: every trial is scored on the same examples.
        seed: deriveSeed(request.sweepSeed, 'data'),
        textField: data.text_field,
        labelField: data.label_field,
        ...(data.max_examples !== undefined ? { maxExamples: data.max_examples } : {}),
        ...(data.max_length !== undefined ? { maxLength: data.max_length } : {}),
        ...(data.shots !== undefined ? { shots: data.shots } : {}),
      },
      method: method as Method,
      topK: numberParam(request, 'top_k', topK),
      forgetting: task.forgetting,
      ...(task.eval_every_steps !== undefined ? { evalEverySteps: task.eval_every_steps } : {}),
    },
    params,
    backend: (ctx.backend ?? 'auto') as BackendChoice,
    ...(request.objective ? { objective: request.objective } : {}),
    ...(request.keep ? { keep: request.keep } : {}),
    dir: resolve(request.dir),
  };
}

function numberParam(request: TrialRequest, name: string, value: unknown): number {
  // Validation guarantees this; the check keeps a hand-built trial from reaching the engine.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(`trial ${request.trialId}: ${name} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A missing model or data path is found before the sweep directory exists: a typo fixed in the spec
 * can then simply be run again (once the directory exists, an edited spec is refused).
 */
export function checkInputPaths(task: TfjsTask, ctx: TrainerContext): void {
  const { model, data } = task;
  const paths: Array<[string, string | undefined, 'directory' | 'file']> = [
    ['/task/model', model, 'directory'],
    ['/task/data/train', data.train, 'file'],
    ['/task/data/validation', data.validation, 'file'],
  ];
  const problems: string[] = [];
  for (const [pointer, path, kind] of paths) {
    if (path === undefined) continue;
    const abs = resolve(ctx.specDir, path);
    let ok = false;
    try {
      ok = kind === 'directory' ? statSync(abs).isDirectory() : statSync(abs).isFile();
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`${ctx.specPath ?? ctx.specDir}: ${pointer}: ${kind} ${abs} does not exist`);
  }
  if (problems.length) throw new InputError(problems);
}
