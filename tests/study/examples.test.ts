// The library's examples (examples/library/, built to dist/ by `npm run build`) run as a user runs
// them, on real training: a tf.sequential model, and the built-in engine through fineTune on a tiny
// base model; `finesweep report` reads what they recorded. And fineTune's own contract.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveBaseModel } from '../../src/engine/model-io.js';
import { fineTune, InputError, type EpochMetrics } from '../../src/index.js';
import { spamSlice, tempDir, tinyBase, writeLines } from '../engine/trial-fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'finesweep.js');
const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = tempDir('finesweep-lib-examples-');
  const { model, tokenizer, probeTexts } = tinyBase();
  await saveBaseModel(join(dir, 'model'), model, tokenizer, { name: 'tiny-test' }, probeTexts);
  model.dispose();
  writeLines(dir, 'spam.jsonl', spamSlice(30, 18));
});

async function report(storage: string): Promise<{ rows: Array<{ id: string; rank?: number; status: string; params: Record<string, unknown> }> }> {
  return JSON.parse((await run(process.execPath, [BIN, 'report', storage, '--format', 'json'])).stdout);
}

describe('examples/library', () => {
  it('tune-tfjs-model: a tf.sequential model tuned by TPE with the median rule', async () => {
    const storage = join(dir, 'tfjs');
    const { stdout } = await run(process.execPath, [join(ROOT, 'dist/examples/library/tune-tfjs-model.js'), '--storage', storage, '--trials', '6'], { cwd: dir });
    const best = /^best: (t\d+) val_loss ([\d.]+) with /m.exec(stdout);
    expect(best).not.toBeNull();
    const lb = await report(storage);
    expect(lb.rows).toHaveLength(6);
    expect(lb.rows.find((r) => r.rank === 1)?.id).toBe(best![1]);
    expect(Object.keys(lb.rows[0].params).sort()).toEqual(['dropout', 'learning_rate', 'units']);
  }, 120_000);

  it('tune-fine-tune: the built-in engine tuned over learning rate × batch size with ASHA', async () => {
    const storage = join(dir, 'finetune');
    const args = ['--storage', storage, '--trials', '4', '--epochs', '2', '--model', join(dir, 'model'), '--data', join(dir, 'spam.jsonl'), '--backend', 'cpu'];
    const { stdout } = await run(process.execPath, [join(ROOT, 'dist/examples/library/tune-fine-tune.js'), ...args], { cwd: dir });
    expect(stdout).toMatch(/^best: t\d+ val_f1 [\d.]+ with \{"learning_rate":[\d.e-]+,"batch_size":(8|16|32)\}$/m);
    const lb = await report(storage);
    expect(lb.rows).toHaveLength(4);
    expect(lb.rows.every((r) => ['completed', 'stopped_early'].includes(r.status))).toBe(true);
  }, 240_000);
});

describe('fineTune', () => {
  const config = (sub: string) => ({
    trialId: sub,
    seed: 3,
    task: { type: 'classification' as const, model: 'model', data: { train: 'spam.jsonl', split: 0.25 }, method: 'top_k' as const, topK: 1, forgetting: false },
    params: { learning_rate: 0.003, batch_size: 8, epochs: 3 },
    backend: 'cpu' as const,
    dir: sub,
  });

  it('reports each epoch through onEvaluation (awaited before it resolves) and stops on its signal', async () => {
    const seen: EpochMetrics[] = [];
    const stop = new AbortController();
    const result = await fineTune(config('stopping'), {
      baseDir: dir,
      signal: stop.signal,
      onEvaluation: async (m) => {
        await new Promise((r) => setImmediate(r));
        seen.push(m);
        if (m.epoch === 1) stop.abort();
      },
    });
    expect(result.outcome).toBe('stopped');
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThan(3);
    expect(seen[0]).toMatchObject({ epoch: 1, val_loss: expect.any(Number), val_f1: expect.any(Number) });
  }, 120_000);

  it('bad config is one InputError naming the field', async () => {
    await expect(fineTune({ ...config('bad'), task: { ...config('bad').task, method: 'qlora' as 'lora' } }, { baseDir: dir })).rejects.toThrow(InputError);
    await expect(fineTune({ ...config('bad'), task: { ...config('bad').task, method: 'qlora' as 'lora' } }, { baseDir: dir })).rejects.toThrow('fineTune config: task.method: expected "full", "head", "top_k" or "lora", got "qlora"');
  });
});
