// Evaluations at steps: eval_every_steps, max_steps, and resume from the last evaluation — real
// training of a tiny model on the wasm backend.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import { runTrial } from '../../src/engine/trial.js';
import { stepPlan } from '../../src/engine/step-plan.js';
import { InputError } from '../../src/errors.js';
import type { TrialConfig } from '../../src/engine/types.js';
import type { TrialEvent, TrialResult } from '../../src/trial/types.js';
import { spamSlice, tempDir, tinyBase, trialConfig, writeLines } from './trial-fixture.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

function run(config: TrialConfig, onEvent?: (e: TrialEvent) => void, signal?: AbortSignal): Promise<TrialResult> {
  return fineTune({ ...config, backend: 'wasm' }, { onEvent, signal }, tinyBase(), 'wasm');
}

/** 48 rows, 25% held out, batch 8: 36 training rows, 5 steps an epoch. */
function setup(params: Partial<TrialConfig['params']> = {}, task: Partial<TrialConfig['task']> = {}): TrialConfig {
  const dir = tempDir('finesweep-steps-');
  const train = writeLines(dir, 'train.jsonl', spamSlice(30, 18));
  return trialConfig(dir, train, { method: 'full', forgetting: false, ...task }, { dropout: 0, ...params });
}

const points = (r: TrialResult) => r.epochs.map((m) => [m.step, m.epoch]);

describe('eval_every_steps', () => {
  it('validates every N steps and at each epoch end; each point has its step and fractional epoch', async () => {
    const events: TrialEvent[] = [];
    const r = await run(setup({ epochs: 2 }, { evalEverySteps: 2 }), (e) => events.push(e));
    expect(r.outcome).toBe('completed');
    expect(points(r)).toEqual([[2, 0.4], [4, 0.8], [5, 1], [6, 1.2], [8, 1.6], [10, 2]]);
    expect(events.filter((e) => e.type === 'epoch').length).toBe(6);
    for (const m of r.epochs) {
      expect(Number.isFinite(m.train_loss) && Number.isFinite(m.val_loss)).toBe(true);
      expect(m.val_accuracy).toBeGreaterThanOrEqual(0);
      // The train loss of a point covers the steps since the previous evaluation.
      expect(m.steps!.every(([s]) => s <= m.step!)).toBe(true);
    }
    // Training moved the model between evaluations within one epoch.
    expect(r.epochs[0].val_loss).not.toBe(r.epochs[1].val_loss);
  });

  it('a swept eval_every_steps parameter wins over the task', async () => {
    const r = await run(setup({ epochs: 1, eval_every_steps: 3 }, { evalEverySteps: 2 }));
    expect(points(r)).toEqual([[3, 0.6], [5, 1]]);
  });

  it('without it, a trial evaluates at epochs, whole, with their step', async () => {
    const r = await run(setup({ epochs: 2 }));
    expect(points(r)).toEqual([[5, 1], [10, 2]]);
  });

  it.each([
    [{ eval_every_steps: 0 }, {}, 'params.eval_every_steps: expected an integer >= 1, got 0'],
    [{}, { evalEverySteps: 1.5 }, 'task.eval_every_steps: expected an integer >= 1, got 1.5'],
    [{ max_steps: -3 }, {}, 'params.max_steps: expected an integer >= 1, got -3'],
    [{ epochs: undefined }, {}, 'params.epochs: expected a positive number (or params.max_steps), got undefined'],
  ])('refuses %j %j before the model loads: %s', async (params, task, message) => {
    const config = setup(params, task);
    const before = tf.memory().numTensors;
    const failed = runTrial(config);
    await expect(failed).rejects.toThrow(InputError);
    await expect(failed).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('max_steps', () => {
  it('is the budget: training ends there mid-epoch, without epochs', async () => {
    const r = await run(setup({ epochs: undefined, max_steps: 7 }, { evalEverySteps: 3 }));
    expect(r.outcome).toBe('completed');
    expect(points(r)).toEqual([[3, 0.6], [5, 1], [6, 1.2], [7, 1.4]]);
  });

  it('wins over epochs, and the learning-rate schedule spans it', () => {
    const config = setup({ epochs: 3, max_steps: 7 });
    expect(stepPlan(config, 5)).toEqual({ stepsPerEpoch: 5, totalSteps: 7, epochs: 2 });
    expect(stepPlan(setup({ epochs: 3 }, { evalEverySteps: 4 }), 5)).toEqual({ stepsPerEpoch: 5, totalSteps: 15, epochs: 3, evalEvery: 4 });
  });
});

describe('resume from the last evaluation', () => {
  it('a trial killed between evaluations continues from the last one and equals the uninterrupted run', async () => {
    const whole = await run(setup({ epochs: 2, warmup_ratio: 0.2 }, { evalEverySteps: 2 }));
    const config = setup({ epochs: 2, warmup_ratio: 0.2 }, { evalEverySteps: 2 });
    const controller = new AbortController();
    const stopped = await run(config, (e) => e.type === 'step' && e.step === 7 && controller.abort(), controller.signal);
    expect(stopped.outcome).toBe('stopped');
    expect(points(stopped)).toEqual([[2, 0.4], [4, 0.8], [5, 1], [6, 1.2]]);
    // A kill -9 leaves no stop checkpoint: remove it, so that only the evaluation's (step 6) is there.
    const dir = join(config.dir, 'checkpoint');
    const names = readdirSync(dir).sort();
    expect(names.map((n) => n.split('-')[1])).toEqual(['000000006', '000000007']);
    rmSync(join(dir, names[1]), { recursive: true });
    const events: TrialEvent[] = [];
    const resumed = await run(config, (e) => events.push(e));
    expect(events).toContainEqual({ type: 'resumed', fromEpoch: 1.2, fromStep: 6 });
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.metrics.step)).toEqual([8, 10]);
    expect(resumed.outcome).toBe('completed');
    const comparable = (r: TrialResult) => r.epochs.map(({ seconds: _s, ...m }) => m);
    const a = comparable(resumed);
    const b = comparable(whole);
    expect(a.map((m) => m.step)).toEqual(b.map((m) => m.step));
    a.forEach((m, i) => {
      expect(m.val_loss).toBeCloseTo(b[i].val_loss!, 6);
      expect(m.train_loss).toBeCloseTo(b[i].train_loss!, 6);
    });
  });
});
