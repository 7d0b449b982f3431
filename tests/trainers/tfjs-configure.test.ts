// The tfjs trainer's configure: from a planned trial (the sweep's request) to the engine's TrialConfig.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrialConfig } from '../../src/engine/types.js';
import { deriveSeed } from '../../src/rng.js';
import type { PlannedTrial } from '../../src/trial/types.js';
import { loadSpec, validateSpec } from '../../src/spec/load.js';
import type { ResolvedSpec } from '../../src/spec/types.js';
import { expandTrials } from '../../src/sweep/expand.js';
import { objectiveOf, trialRequest } from '../../src/sweep/request.js';
import tfjs from '../../src/trainers/tfjs/trainer.js';

/** What the sweep does for one trial: its request, then the trainer's configure. */
function toTrialConfig(spec: ResolvedSpec, trial: PlannedTrial, opts: { specDir: string; trialDir: string; backend?: string }): TrialConfig {
  return tfjs.configure(spec.task, trialRequest(spec, trial, { dir: opts.trialDir }), { specDir: opts.specDir, backend: opts.backend ?? spec.resources.backend });
}

describe('the tfjs trainer', () => {
  it('runs wasm/cpu trials in a worker thread and native backends in a process of their own', () => {
    const config = (backend: TrialConfig['backend']) => ({ backend }) as TrialConfig;
    expect(tfjs.place(config('wasm'))).toBe('thread');
    expect(tfjs.place(config('cpu'))).toBe('thread');
    expect(tfjs.place(config('tensorflow'))).toBe('child');
    expect(tfjs.place(config('tensorflow-gpu'))).toBe('child');
  });
});

describe('tfjs configure', () => {
  it('resolves the spec paths against its directory and fills every field', async () => {
    const { spec, baseDir } = await loadSpec('sweeps/spam-grid.json');
    const trial = expandTrials(spec)[4]!;
    const config = toTrialConfig(spec, trial, { specDir: baseDir, trialDir: 'results/spam-grid/trials/x' });
    expect(config).toEqual({
      trialId: trial.id,
      seed: deriveSeed(42, trial.id),
      task: {
        type: 'classification',
        model: join(process.cwd(), 'models/base'),
        data: {
          train: join(process.cwd(), 'sweeps/data/spam.jsonl'),
          split: 0.2,
          textField: 'text',
          labelField: 'label',
          maxExamples: 1200,
          seed: deriveSeed(42, 'data'),
        },
        method: 'full',
        topK: 1,
        forgetting: true,
      },
      params: { learning_rate: 1e-3, batch_size: 16, epochs: 1 },
      backend: 'auto',
      // The sweep's objective and retention: the best epoch's weights are kept by val_accuracy.
      objective: { metric: 'val_accuracy', goal: 'maximize' },
      keep: 'best',
      dir: join(process.cwd(), 'results/spam-grid/trials/x'),
    });
  });

  it('gives every trial of a sweep the same data split, whatever its own seed', async () => {
    const { spec, baseDir } = await loadSpec('sweeps/spam-grid.json');
    const [a, b] = expandTrials(spec).map((t) => toTrialConfig(spec, t, { specDir: baseDir, trialDir: '/tmp/t' }));
    expect(a!.seed).not.toBe(b!.seed);
    expect(a!.task.data.seed).toBe(b!.task.data.seed);
    const { loadSplit } = await import('../../src/engine/data/dataset.js');
    const split = (c: typeof a) => loadSplit(c!.task.data, 'classification', c!.seed).validation.map((e) => e.line);
    expect(split(a)).toEqual(split(b));
  });

  it('takes method (and top_k) from the parameters when they are swept', async () => {
    const { spec, baseDir } = await loadSpec('sweeps/transfer-methods.json');
    const methods = expandTrials(spec).map((t) => toTrialConfig(spec, t, { specDir: baseDir, trialDir: '/tmp/t' }));
    expect(methods.map((c) => c.task.method)).toEqual(['head', 'top_k', 'full', 'lora', 'head', 'top_k', 'full', 'lora']);
    expect(methods.every((c) => c.params.lora_rank === 8)).toBe(true);
    expect(methods.every((c) => !('method' in c.params))).toBe(true);
  });

  it('keeps absolute paths, a validation file, extra parameters and a backend override', () => {
    const spec = validateSpec(
      {
        name: 'x',
        seed: 9,
        task: { type: 'causal-lm', model: '/models/m', data: { train: 'a.jsonl', validation: '../v.jsonl', max_length: 64 } },
        parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 4 }, epochs: { value: 1 }, top_k: { value: 2 }, warmup_ratio: { value: 0.1 } },
        resources: { backend: 'wasm' },
      },
      'x.json',
    );
    const [trial] = expandTrials(spec);
    const c = toTrialConfig(spec, trial!, { specDir: '/work/specs', trialDir: '/r/t', backend: 'cpu' });
    expect(c.task.model).toBe('/models/m');
    expect(c.task.data.train).toBe('/work/specs/a.jsonl');
    expect(c.task.data.validation).toBe('/work/v.jsonl');
    expect(c.task.data.maxLength).toBe(64);
    expect(c.task.topK).toBe(2);
    expect(c.params).toEqual({ learning_rate: 1e-3, batch_size: 4, epochs: 1, warmup_ratio: 0.1 });
    expect(c.backend).toBe('cpu');
    expect(toTrialConfig(spec, trial!, { specDir: '/work/specs', trialDir: '/r/t' }).backend).toBe('wasm');
  });

  it('passes eval_every_steps and a max_steps budget without epochs, and says the trainer reports steps', () => {
    const spec = validateSpec(
      {
        name: 'x',
        task: { type: 'classification', model: '/models/m', data: { train: '/d.jsonl' }, eval_every_steps: 25 },
        parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 4 }, max_steps: { values: [100, 300] } },
        early_stopping: { type: 'asha', min_steps: 25 },
      },
      'x.json',
    );
    const [trial] = expandTrials(spec);
    const c = toTrialConfig(spec, trial!, { specDir: '/', trialDir: '/r/t' });
    expect(c.task.evalEverySteps).toBe(25);
    expect(c.params).toEqual({ learning_rate: 1e-3, batch_size: 4, max_steps: 100 });
    expect(tfjs.reportsSteps?.(spec.task)).toBe(true);
  });

  it('gives every trial its own seed, derived from the sweep seed', async () => {
    const { spec, baseDir } = await loadSpec('sweeps/spam-random.yaml');
    const seeds = expandTrials(spec).map((t) => toTrialConfig(spec, t, { specDir: baseDir, trialDir: '/tmp/t' }).seed);
    expect(new Set(seeds).size).toBe(seeds.length);
    const other = { ...spec, seed: spec.seed + 1 };
    const t0 = expandTrials(spec)[0]!;
    expect(toTrialConfig(other, t0, { specDir: baseDir, trialDir: '/tmp/t' }).seed).not.toBe(seeds[0]);
  });
});

describe('objectiveOf', () => {
  it('gives the metric and its goal', async () => {
    expect(objectiveOf((await loadSpec('sweeps/domain-lm.json')).spec)).toEqual({ metric: 'val_perplexity', goal: 'minimize' });
    expect(objectiveOf((await loadSpec('sweeps/spam-random.yaml')).spec)).toEqual({ metric: 'val_f1', goal: 'maximize' });
  });
});
