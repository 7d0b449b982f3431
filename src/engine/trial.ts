// runTrial: one real fine-tune of a shipped (or user's) base model — the engine's entry point.
// It picks the backend, checks the hyperparameters, loads the base model and hands over to fineTune.
import { InputError } from '../errors.js';
import { selectBackend } from './backend.js';
import { fineTune } from './fine-tune.js';
import { stepPlan } from './step-plan.js';
import { gradAccumOf } from './grad-accum.js';
import { loadBaseModel } from './model-io.js';
import type { RunTrialOptions, TrialConfig } from './types.js';
import type { TrialEvent, TrialResult } from '../trial/types.js';

export async function runTrial(config: TrialConfig, opts: RunTrialOptions = {}): Promise<TrialResult> {
  const started = performance.now();
  const emit = (e: TrialEvent) => opts.onEvent?.(e);
  const backend = await selectBackend(config.backend);
  emit({ type: 'backend', name: backend.name, reason: backend.reason });
  const p = config.params;
  // Checked before the model loads: a bad value is the user's input, not a failed trial.
  for (const [name, value] of [['learning_rate', p.learning_rate], ['batch_size', p.batch_size]] as const) {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new InputError(`params.${name}: expected a positive number, got ${JSON.stringify(value)}`);
    }
  }
  gradAccumOf(p);
  stepPlan(config, 1); // its InputErrors (epochs, max_steps, eval_every_steps) before the model loads
  const base = await loadBaseModel(config.task.model);
  return fineTune(config, opts, base, backend.name, started);
}

