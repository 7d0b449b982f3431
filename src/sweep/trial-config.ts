// Turns a planned trial of a validated spec into the engine's TrialConfig (absolute paths, own seed).
import { isAbsolute, resolve } from 'node:path';
import type { BackendChoice, Method, TrialConfig } from '../engine/types.js';
import { InputError } from '../errors.js';
import { deriveSeed } from '../search/rng.js';
import type { PlannedTrial } from '../search/space.js';
import type { Objective, ResolvedSpec } from '../spec/types.js';

export interface TrialConfigOptions {
  /** Directory of the spec file: relative paths in the spec are relative to it. */
  specDir: string;
  /** The trial's own directory (absolute, or relative to the working directory). */
  trialDir: string;
  /** Overrides resources.backend (e.g. from a CLI flag). */
  backend?: BackendChoice;
}

/** Parameters that the TrialConfig carries in `task`, not in `params`, when they are swept. */
const TASK_PARAMETERS = new Set(['method', 'top_k']);
const METHODS: readonly Method[] = ['full', 'head', 'top_k'];

export function toTrialConfig(spec: ResolvedSpec, trial: PlannedTrial, opts: TrialConfigOptions): TrialConfig {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(opts.specDir, p));
  const { task } = spec;
  const data = task.data;
  const { learning_rate, batch_size, epochs } = trial.params;
  const params: TrialConfig['params'] = {
    learning_rate: numberParam(trial, 'learning_rate', learning_rate),
    batch_size: numberParam(trial, 'batch_size', batch_size),
    epochs: numberParam(trial, 'epochs', epochs),
  };
  for (const [name, value] of Object.entries(trial.params)) {
    if (!(name in params) && !TASK_PARAMETERS.has(name)) params[name] = value;
  }
  const method = trial.params.method ?? task.method;
  if (!METHODS.includes(method as Method)) {
    throw new InputError(`trial ${trial.id}: method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  }
  const topK = trial.params.top_k ?? task.top_k;
  return {
    trialId: trial.id,
    seed: deriveSeed(spec.seed, trial.id),
    task: {
      type: task.type,
      model: at(task.model),
      data: {
        train: at(data.train),
        ...(data.validation !== undefined ? { validation: at(data.validation) } : {}),
        split: data.split,
        // The split is the sweep's, not the trial's: every trial is scored on the same examples.
        seed: deriveSeed(spec.seed, 'data'),
        textField: data.text_field,
        labelField: data.label_field,
        ...(data.max_examples !== undefined ? { maxExamples: data.max_examples } : {}),
        ...(data.max_length !== undefined ? { maxLength: data.max_length } : {}),
      },
      method: method as Method,
      topK: numberParam(trial, 'top_k', topK),
      forgetting: task.forgetting,
    },
    params,
    backend: opts.backend ?? spec.resources.backend,
    dir: resolve(opts.trialDir),
  };
}

function numberParam(trial: PlannedTrial, name: string, value: unknown): number {
  // Validation guarantees this; the check keeps a hand-built trial from reaching the engine.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(`trial ${trial.id}: ${name} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The metric that ranks trials and whether lower or higher is better. */
export function objectiveOf(spec: ResolvedSpec): Objective {
  return { metric: spec.objective.metric, goal: spec.objective.goal };
}
