// The engine's grad_accum: an optimizer step over N micro-batches — real training of a tiny model
// on the wasm backend. The step count is optimizer steps, so batch b × grad_accum 2 takes the
// steps of batch 2b, and (dropout 0) lands where batch 2b does.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import { runTrial } from '../../src/engine/trial.js';
import { InputError } from '../../src/errors.js';
import type { TrialConfig } from '../../src/engine/types.js';
import type { TrialEvent, TrialResult } from '../../src/trial/types.js';
import { spamSlice, tempDir, tinyBase, trialConfig, writeLines } from './trial-fixture.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** 48 rows, 25% held out: 36 training rows. Each run in a fresh directory (no checkpoint to resume). */
async function train(params: Partial<TrialConfig['params']>): Promise<{ result: TrialResult; steps: number[] }> {
  const dir = tempDir('finesweep-accum-');
  const file = writeLines(dir, 'train.jsonl', spamSlice(30, 18));
  const config = trialConfig(dir, file, { method: 'full', forgetting: false }, { dropout: 0, epochs: 2, ...params });
  const steps: number[] = [];
  const result = await fineTune({ ...config, backend: 'wasm' }, { onEvent: (e: TrialEvent) => e.type === 'step' && steps.push(e.step) }, tinyBase(), 'wasm');
  return { result, steps };
}

describe('grad_accum', () => {
  it('batch 4 × grad_accum 2 takes the optimizer steps of batch 8, with finite metrics close to its own', async () => {
    const whole = await train({ batch_size: 8 });
    const accum = await train({ batch_size: 4, grad_accum: 2 });
    const small = await train({ batch_size: 4 });
    for (const r of [whole, accum, small]) expect(r.result.outcome).toBe('completed');
    // 36 rows: 5 steps an epoch at an effective batch of 8, 9 at 4.
    expect(accum.result.epochs.map((m) => m.step)).toEqual([5, 10]);
    expect(whole.result.epochs.map((m) => m.step)).toEqual([5, 10]);
    expect(small.result.epochs.map((m) => m.step)).toEqual([9, 18]);
    expect(Math.max(...accum.steps)).toBe(10);
    for (const m of accum.result.epochs) {
      expect(Number.isFinite(m.train_loss) && Number.isFinite(m.val_loss)).toBe(true);
    }
    // The same gradient each step (weighted micro-batches): the curves agree with batch 8's.
    const gap = (a: TrialResult, b: TrialResult) => Math.abs(a.epochs.at(-1)!.val_loss! - b.epochs.at(-1)!.val_loss!);
    expect(gap(accum.result, whole.result)).toBeLessThan(1e-3);
    expect(gap(accum.result, whole.result)).toBeLessThan(gap(small.result, whole.result));
  });

  it('grad_accum 1 is the plain loop, to the bit', async () => {
    const plain = await train({ batch_size: 8, epochs: 1 });
    const one = await train({ batch_size: 8, epochs: 1, grad_accum: 1 });
    expect(one.result.epochs.map((m) => m.val_loss)).toEqual(plain.result.epochs.map((m) => m.val_loss));
  });

  it('refuses a grad_accum that is not an integer >= 1, naming it, before the model loads', async () => {
    const dir = tempDir('finesweep-accum-');
    const config = trialConfig(dir, writeLines(dir, 'train.jsonl', spamSlice(4, 4)), {}, { grad_accum: 0.5 });
    const err = await runTrial({ ...config, backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('params.grad_accum: expected an integer >= 1, got 0.5');
  });
});
