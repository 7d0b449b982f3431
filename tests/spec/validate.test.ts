// A valid spec comes back with its defaults filled, typed as ResolvedSpec.
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src/spec/load.js';
import type { ResolvedSpec } from '../../src/spec/types.js';
import { validSpec } from './fixtures.js';

describe('validateSpec on a valid spec', () => {
  it('fills the schema defaults', () => {
    const spec: ResolvedSpec = validateSpec(validSpec(), 'spec.json');
    expect(spec.task.data).toMatchObject({ split: 0.2, text_field: 'text', label_field: 'label' });
    expect(spec.task).toMatchObject({ method: 'full', top_k: 1, forgetting: true });
    expect(spec.resources).toEqual({ gpus: 'auto', trials_per_gpu: 1, backend: 'auto', max_retries: 1, checkpoints: { keep: 'best', keep_top_trials: 5 } });
    expect(spec.objective).toEqual({ metric: 'val_loss', goal: 'minimize' });
    expect(spec.early_stopping).toEqual({ type: 'none', min_epochs: 1, min_trials: 3, reduction_factor: 3 });
    expect(spec.diagnosis.overfit_rise).toBe(0.05);
  });

  it('fills a missing seed with 0 and a missing strategy with grid', () => {
    const s = validSpec();
    delete s.seed;
    delete s.strategy;
    const spec = validateSpec(s, 'spec.json');
    expect(spec.seed).toBe(0);
    expect(spec.strategy.type).toBe('grid');
  });

  it.each([
    ['val_accuracy', 'classification', 'maximize'],
    ['val_f1', 'classification', 'maximize'],
    ['val_loss', 'classification', 'minimize'],
    ['train_loss', 'causal-lm', 'minimize'],
    ['val_perplexity', 'causal-lm', 'minimize'],
  ])('gives %s on %s the natural goal %s', (metric, type, goal) => {
    const s = validSpec();
    s.task.type = type;
    s.objective = { metric };
    expect(validateSpec(s, 'spec.json').objective.goal).toBe(goal);
  });

  it('keeps a goal the user chose', () => {
    const s = validSpec();
    s.objective = { metric: 'val_loss', goal: 'maximize' };
    expect(validateSpec(s, 'spec.json').objective.goal).toBe('maximize');
  });

  it('accepts extra trainer parameters and a validation file without a split', () => {
    const s = validSpec();
    s.parameters.label_smoothing = { value: 0.1 };
    s.parameters.method = { values: ['head', 'top_k'] };
    s.task.data.validation = 'val.jsonl';
    const spec = validateSpec(s, 'spec.json');
    expect(spec.parameters.label_smoothing).toEqual({ value: 0.1 });
    expect(spec.task.data.validation).toBe('val.jsonl');
  });

  it('accepts every distribution under random search', () => {
    const s = validSpec();
    s.strategy = { type: 'random', trials: 3 };
    s.parameters = {
      learning_rate: { distribution: 'log_uniform', min: 1e-5, max: 1e-2 },
      batch_size: { distribution: 'q_uniform', min: 8, max: 64, q: 8 },
      epochs: { distribution: 'int_uniform', min: 1, max: 4 },
      dropout: { distribution: 'uniform', min: 0, max: 0.3 },
    };
    expect(validateSpec(s, 'spec.json').strategy.trials).toBe(3);
  });
});
