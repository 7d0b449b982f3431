// The training step on the wasm backend (the default here): every kernel training needs must run
// there — the embedding gradient (UnsortedSegmentSum), transposed matMuls, the 2-D products — and
// give the same numbers as the pure-JS cpu backend.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import type { BackendName } from '../../src/engine/types.js';
import type { TrialResult } from '../../src/trial/types.js';
import { domainSlice, spamSlice, tempDir, tinyBase, trialConfig, writeLines } from './trial-fixture.js';
import type { EngineTask } from '../../src/trial/method.js';

async function runOn(backend: BackendName, task: EngineTask): Promise<TrialResult> {
  await selectBackend(backend);
  const dir = tempDir();
  const train = task === 'classification' ? writeLines(dir, 'train.jsonl', spamSlice(30, 18)) : writeLines(dir, 'train.jsonl', domainSlice(40));
  const config = trialConfig(dir, train, { type: task, method: 'full' }, { epochs: 1, dropout: 0 });
  config.backend = backend;
  const before = tf.memory().numTensors;
  const result = await fineTune(config, {}, tinyBase(), backend);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe.each(['classification', 'causal-lm'] as const)('%s on wasm', (task) => {
  it('trains every variable (embedding included) and matches the cpu backend', async () => {
    const wasm = await runOn('wasm', task);
    expect(tf.getBackend()).toBe('wasm');
    const cpu = await runOn('cpu', task);
    expect(wasm.outcome).toBe('completed');
    expect(wasm.epochs[0].val_loss).not.toBe(wasm.initialValLoss);
    // Float32 sums in a different order: close, not bit-equal.
    expect(wasm.initialValLoss!).toBeCloseTo(cpu.initialValLoss!, 4);
    expect(wasm.epochs[0].train_loss).toBeCloseTo(cpu.epochs[0].train_loss, 3);
    expect(wasm.epochs[0].val_loss).toBeCloseTo(cpu.epochs[0].val_loss, 3);
    expect(wasm.forgetting!.finalPerplexity).toBeCloseTo(cpu.forgetting!.finalPerplexity, 1);
  });
});
