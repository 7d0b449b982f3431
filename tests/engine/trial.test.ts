import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import type { TrialConfig } from '../../src/engine/types.js';
import type { Method } from '../../src/trial/method.js';
import type { TrialEvent, TrialResult } from '../../src/trial/types.js';
import { domainSlice, spamSlice, tempDir, tinyBase, trialConfig, writeLines } from './trial-fixture.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

function run(config: TrialConfig, onEvent?: (e: TrialEvent) => void, signal?: AbortSignal): Promise<TrialResult> {
  return fineTune(config, { onEvent, signal }, tinyBase(), 'cpu');
}

function setup(task: EngineTask, method: Method, params: Partial<TrialConfig['params']> = {}): TrialConfig {
  const dir = tempDir();
  const train = task === 'classification' ? writeLines(dir, 'train.jsonl', spamSlice(30, 18)) : writeLines(dir, 'train.jsonl', domainSlice(40));
  return trialConfig(dir, train, { type: task, method, topK: 1, forgetting: true }, params);
}

describe.each([
  ['classification', 'full'],
  ['classification', 'head'],
  ['classification', 'top_k'],
  ['causal-lm', 'full'],
  ['causal-lm', 'head'],
  ['causal-lm', 'top_k'],
] as const)('%s / %s', (task, method) => {
  it('trains, validates every epoch, checkpoints and measures forgetting', async () => {
    const config = setup(task, method);
    const events: TrialEvent[] = [];
    const r = await run(config, (e) => events.push(e));
    expect(r.outcome).toBe('completed');
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(events.filter((e) => e.type === 'epoch').length).toBe(2);
    expect(r.dataReport?.train.count).toBeGreaterThan(0);
    for (const m of r.epochs) {
      expect(Number.isFinite(m.train_loss) && Number.isFinite(m.val_loss)).toBe(true);
      expect(m.steps!.length).toBeGreaterThan(0);
      if (task === 'classification') {
        expect(m.val_accuracy).toBeGreaterThanOrEqual(0);
        expect(m.val_f1).toBeGreaterThanOrEqual(0);
        expect(m.train_accuracy).toBeGreaterThanOrEqual(0);
      } else {
        expect(m.val_perplexity).toBeCloseTo(Math.exp(m.val_loss), 6);
      }
    }
    // Training moved the loss: the last epoch's validation loss differs from the untrained one.
    expect(r.initialValLoss).toBeDefined();
    expect(r.epochs[1].val_loss).not.toBe(r.initialValLoss);
    expect(readdirSync(join(config.dir, 'checkpoint')).length).toBe(2);
    const f = r.forgetting!;
    expect(f.basePerplexity).toBeGreaterThan(1);
    if (task === 'classification' && method === 'head') {
      // The body is frozen and the LM head is kept aside: the general-corpus perplexity cannot move.
      expect(f.finalPerplexity).toBe(f.basePerplexity);
    } else {
      expect(f.finalPerplexity).not.toBe(f.basePerplexity);
    }
  });
});

/** Runs a trial, aborting (via its signal) once `afterSteps` optimizer steps are done. */
async function runAborted(config: TrialConfig, afterSteps: number): Promise<TrialResult> {
  const controller = new AbortController();
  return run(config, (e) => {
    if (e.type === 'step' && e.step === afterSteps) controller.abort();
  }, controller.signal);
}

function comparable(r: TrialResult) {
  return r.epochs.map(({ seconds: _s, ...m }) => m);
}

function expectClose(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-6);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length, path).toBe(b.length);
    a.forEach((x, i) => expectClose(x, b[i], `${path}[${i}]`));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(a)) expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else expect(a, path).toEqual(b);
}

describe('resume', () => {
  it.each(['classification', 'causal-lm'] as const)('%s: interrupted mid-epoch and resumed equals uninterrupted on cpu (1e-6)', async (task) => {
    const params = { dropout: 0.1, warmup_ratio: 0.2, weight_decay: 0.01 };
    const whole = await run(setup(task, 'full', params));
    const config = setup(task, 'full', params);
    // 48 (or 40) rows, 25% held out, batch 8 → 5 (or 4) steps an epoch: step 3 is mid-epoch 1.
    const stopped = await runAborted(config, 3);
    expect(stopped.outcome).toBe('stopped');
    expect(stopped.epochs).toEqual([]);
    const events: TrialEvent[] = [];
    const resumed = await run(config, (e) => events.push(e));
    expect(events).toContainEqual({ type: 'resumed', fromEpoch: 0, fromStep: 3 });
    expect(resumed.outcome).toBe('completed');
    expectClose(comparable(resumed), comparable(whole));
    expectClose(resumed.forgetting, whole.forgetting);
    expect(resumed.initialValLoss).toBe(whole.initialValLoss);
  });

  it('does not resume a checkpoint into a data file edited in place: it starts over', async () => {
    const config = setup('classification', 'full');
    expect((await runAborted(config, 3)).outcome).toBe('stopped');
    writeFileSync(config.task.data.train, spamSlice(31, 17).join('\n') + '\n'); // same path, other rows
    const events: TrialEvent[] = [];
    const rerun = await run(config, (e) => events.push(e));
    expect(events.some((e) => e.type === 'resumed')).toBe(false);
    expect(rerun.outcome).toBe('completed');
  });

  it('resumes after a completed epoch, and falls back a checkpoint when the newest is corrupt', async () => {
    const whole = await run(setup('classification', 'top_k'));
    const config = setup('classification', 'top_k');
    const stepsPerEpoch = whole.epochs[0].steps!.at(-1)![0];
    // Stop right after epoch 1 ended (at the first batch of epoch 2): one end-of-epoch checkpoint
    // and one mid-epoch checkpoint at the same step are on disk.
    const stopped = await runAborted(config, stepsPerEpoch + 1);
    expect(stopped.epochs.length).toBe(1);
    const dir = join(config.dir, 'checkpoint');
    const newest = readdirSync(dir).sort().at(-1)!;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, newest), 'torn');
    const events: TrialEvent[] = [];
    const resumed = await run(config, (e) => events.push(e));
    expect(events.some((e) => e.type === 'log' && /checkpoint skipped/.test(e.message))).toBe(true);
    expect(events).toContainEqual({ type: 'resumed', fromEpoch: 1, fromStep: stepsPerEpoch });
    expectClose(comparable(resumed), comparable(whole));
  });

  it('starts afresh when the checkpoint belongs to another configuration', async () => {
    const config = setup('classification', 'head');
    await run(config);
    const events: TrialEvent[] = [];
    const again = await run({ ...config, params: { ...config.params, learning_rate: 1e-3 } }, (e) => events.push(e));
    expect(events.some((e) => e.type === 'resumed')).toBe(false);
    expect(again.epochs.length).toBe(2);
  });
});

describe('failure modes', () => {
  it('stops as diverged at once when the loss becomes NaN or Inf', async () => {
    const r = await run(setup('classification', 'full', { learning_rate: 1e30, epochs: 3 }));
    expect(r.outcome).toBe('diverged');
    expect(r.reason).toMatch(/loss became (NaN|Infinity|-Infinity) at step \d+ \(epoch 1\)/);
    expect(r.epochs).toEqual([]);
  });

  it('leaks no tensors: numTensors is the same before and after trials, stopped and diverged ones too', async () => {
    const before = tf.memory().numTensors;
    await run(setup('classification', 'full'));
    await run(setup('causal-lm', 'top_k'));
    await runAborted(setup('classification', 'head'), 2);
    await run(setup('causal-lm', 'full', { learning_rate: 1e30 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps memory flat across 10 trials in one process (tensors and bytes)', async () => {
    const kinds = [['classification', 'full'], ['causal-lm', 'head'], ['classification', 'top_k'], ['causal-lm', 'full'], ['classification', 'head']] as const;
    await run(setup('classification', 'full', { epochs: 1 })); // first use warms caches up
    const before = tf.memory();
    for (let i = 0; i < 10; i++) {
      const [task, method] = kinds[i % kinds.length];
      await run(setup(task, method, { epochs: 1 }));
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('refuses bad data with the file and line, without leaking the model', async () => {
    const config = setup('classification', 'full');
    const bad = writeLines(config.dir, 'bad.jsonl', [...spamSlice(3, 3), '{"text": "no label here"}']);
    const before = tf.memory().numTensors;
    await expect(run({ ...config, task: { ...config.task, data: { ...config.task.data, train: bad } } })).rejects.toThrow(
      `${bad}:7: missing label field 'label'`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts texts longer than the context as truncated, with a warning', async () => {
    const config = setup('classification', 'head', { epochs: 1 });
    const r = await run(config);
    const report = r.dataReport!;
    // The tiny model's context is 24 tokens; the spam texts run to 500 characters.
    expect(report.train.truncated).toBeGreaterThan(0);
    expect(report.warnings.some((w) => /truncated/.test(w))).toBe(true);
    expect(report.majorityRate).toBeCloseTo(report.validation.labels!.ham / report.validation.count, 12);
  });

  it('trains from a CSV file with its own column names', async () => {
    const config = setup('classification', 'head', { epochs: 1 });
    const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
    const rows = spamSlice(20, 12).map((r) => JSON.parse(r) as { text: string; label: string });
    const csv = writeLines(config.dir, 'mail.csv', ['category,body', ...rows.map((r) => `${r.label === 'spam' ? 1 : 0},${quote(r.text)}`)]);
    const r = await run({ ...config, task: { ...config.task, data: { ...config.task.data, train: csv, textField: 'body', labelField: 'category' } } });
    expect(r.outcome).toBe('completed');
    expect(r.dataReport!.train.count + r.dataReport!.validation.count).toBe(32);
    expect(Object.keys(r.dataReport!.train.labels!).sort()).toEqual(['0', '1']);
  });

  it('finds leakage when the validation file shares rows with train', async () => {
    const config = setup('classification', 'head', { epochs: 1 });
    const train = spamSlice(30, 18);
    const more = spamSlice(40, 25);
    const fresh = [...more.slice(30, 40), ...more.slice(40 + 18)]; // ham 30-39 and spam 18-24: not in train
    const val = writeLines(config.dir, 'val.jsonl', [...train.slice(0, 3), ...fresh]);
    const r = await run({ ...config, task: { ...config.task, data: { ...config.task.data, validation: val } } });
    expect(r.dataReport!.leakage.count).toBe(3);
    expect(r.dataReport!.validation.count).toBe(3 + 10 + 7);
  });
});
