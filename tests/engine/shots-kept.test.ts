// Few-shot sampling (training side only, seeded, nested, batch shrinking) and the weights a trial
// keeps: its best epoch's by the objective, its last under keep "last", and a restart (not a crash)
// when a resumable trial lost its best-epoch weights.
import { existsSync, rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { loadSplit } from '../../src/engine/data/dataset.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import { bestWeightsPath, lastWeightsPath, loadKept } from '../../src/engine/kept.js';
import type { TrialConfig, TrialEvent } from '../../src/engine/types.js';
import { spamSlice, tempDir, tinyBase, trialConfig, writeLines } from './trial-fixture.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

function setup(params: Partial<TrialConfig['params']> = {}, data: Partial<TrialConfig['task']['data']> = {}): TrialConfig {
  const dir = tempDir('finesweep-shots-');
  const train = writeLines(dir, 'train.jsonl', spamSlice(30, 18));
  const config = trialConfig(dir, train, { forgetting: false }, { epochs: 2, ...params });
  config.task.data = { ...config.task.data, seed: 17, ...data };
  return config;
}

describe('few-shot', () => {
  it('takes k per class from the training side only, seeded and nested; validation is untouched', () => {
    const config = setup();
    const all = loadSplit(config.task.data, 'classification', 1);
    const three = loadSplit({ ...config.task.data, shots: 3 }, 'classification', 1);
    const five = loadSplit({ ...config.task.data, shots: 5 }, 'classification', 1);
    expect(three.validation).toEqual(all.validation);
    expect(five.validation).toEqual(all.validation);
    for (const [split, k] of [[three, 3], [five, 5]] as const) {
      expect(split.train.filter((e) => e.label === 'ham').length).toBe(k);
      expect(split.train.filter((e) => e.label === 'spam').length).toBe(k);
      expect(split.train.every((e) => all.train.some((t) => t.line === e.line))).toBe(true);
    }
    expect(three.train.every((e) => five.train.some((t) => t.line === e.line))).toBe(true);
    expect(loadSplit({ ...config.task.data, shots: 3 }, 'classification', 999).train).toEqual(three.train);
  });

  it('refuses more shots than a class has on the training side, naming the class', () => {
    const config = setup();
    expect(() => loadSplit({ ...config.task.data, shots: 20 }, 'classification', 1)).toThrow(
      /^shots: 20 examples per class is more than class 'spam' has on the training side \(1[34]\)$/,
    );
  });

  it('trains on k × classes examples, shrinking the batch and saying so; the parameter shots overrides', async () => {
    const events: TrialEvent[] = [];
    const config = setup({ shots: 3, batch_size: 8 }, { shots: 10 });
    const r = await fineTune(config, { onEvent: (e) => events.push(e) }, tinyBase(), 'cpu');
    expect(r.outcome).toBe('completed');
    const report = r.dataReport!;
    expect(report.train.count).toBe(6);
    expect(report.shots).toEqual({ perClass: 3, from: expect.any(Number) });
    expect(report.training).toMatchObject({ batchSize: 6, requestedBatchSize: 8 });
    expect(report.warnings.some((w) => w.startsWith('batch: 6 training example(s), fewer than batch_size 8'))).toBe(true);
    // One step per epoch: every example in one batch.
    expect(events.filter((e) => e.type === 'step').length).toBe(2);
    const all = await fineTune(setup({ shots: 'all' }), {}, tinyBase(), 'cpu');
    expect(all.dataReport!.shots).toBeUndefined();
    expect({ ...all.dataReport!.validation, file: "" }).toEqual({ ...report.validation, file: "" });
  });
});

describe('kept weights', () => {
  it('are the best epoch by the objective; keep "last" adds the last epoch; the checkpoint is separate', async () => {
    const config = setup({ epochs: 3, learning_rate: 3e-2 });
    config.objective = { metric: 'val_loss', goal: 'maximize' }; // the worst loss: usually not the last epoch
    config.keep = 'last';
    const r = await fineTune(config, {}, tinyBase(), 'cpu');
    const losses = r.epochs.map((m) => m.val_loss);
    const bestEpoch = losses.indexOf(Math.max(...losses)) + 1;
    const best = await loadKept(bestWeightsPath(config.dir));
    expect(best.meta).toMatchObject({ kind: 'best', epoch: bestEpoch, value: Math.max(...losses), metric: 'val_loss', labels: ['ham', 'spam'], method: 'full' });
    const last = await loadKept(lastWeightsPath(config.dir));
    expect(last.meta).toMatchObject({ kind: 'last', epoch: 3, value: losses[2] });
    expect(Object.keys(last.tensors).sort()).toEqual(Object.keys(best.tensors).sort());
    tf.dispose([...Object.values(best.tensors), ...Object.values(last.tensors)]);
  });

  it('missing on resume: the trial restarts from scratch and says so, never crashes', async () => {
    const config = setup({ epochs: 2 });
    const controller = new AbortController();
    const first = await fineTune(config, { signal: controller.signal, onEvent: (e) => e.type === 'step' && e.step === 7 && controller.abort() }, tinyBase(), 'cpu');
    expect(first.outcome).toBe('stopped');
    expect(existsSync(bestWeightsPath(config.dir))).toBe(true);
    rmSync(bestWeightsPath(config.dir));
    const events: TrialEvent[] = [];
    const again = await fineTune(config, { onEvent: (e) => events.push(e) }, tinyBase(), 'cpu');
    expect(again.outcome).toBe('completed');
    expect(events.some((e) => e.type === 'resumed')).toBe(false);
    expect(events.some((e) => e.type === 'log' && e.message.startsWith('restarted from scratch'))).toBe(true);
    expect(again.epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(existsSync(bestWeightsPath(config.dir))).toBe(true);
  });
});
