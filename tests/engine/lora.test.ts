// LoRA in the built-in engine: exact at step 0, trains on wasm (and cpu), keeps only what trains,
// and folds into the base weights (W + (alpha/rank)·A·B) within 1e-5 of adapter inference.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { checkpointDir } from '../../src/trial/layout.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import { bestWeightsPath, loadKept } from '../../src/engine/kept.js';
import { LoraAdapters, loraConfigOf, parseLoraTargets } from '../../src/engine/lora.js';
import { TransformerLM } from '../../src/engine/model.js';
import type { BackendName, TrialEvent } from '../../src/engine/types.js';
import { domainSlice, spamSlice, tempDir, TINY, tinyBase, trialConfig, writeLines } from './trial-fixture.js';
import type { EngineTask } from '../../src/trial/method.js';

function tokens(): tf.Tensor2D {
  return tf.tensor2d([[1, 5, 9, 20, 33, 2], [1, 7, 7, 100, 250, 299]], [2, 6], 'int32');
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/** Gives every adapter's B random values, as training would (B = 0 makes the adapters a no-op). */
function perturb(lora: LoraAdapters, seed: number): void {
  let i = 0;
  for (const [name, v] of Object.entries(lora.variables())) {
    if (name.endsWith('/B')) v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', seed + i++));
  }
}

describe('LoRA adapters', () => {
  it('leave the model exactly equal to the base at step 0 (B = 0), for every target', async () => {
    await selectBackend('cpu');
    const model = TransformerLM.create(TINY, 3);
    const x = tokens();
    const base = model.hidden(x, { training: false, dropout: 0, seed: 0 });
    const lora = new LoraAdapters(model, { rank: 4, alpha: 8, targets: parseLoraTargets('all') }, 9);
    const adapted = model.hidden(x, { training: false, dropout: 0, seed: 0 });
    expect(maxAbsDiff(base, adapted)).toBe(0);
    // And they do act once B moves.
    perturb(lora, 1);
    const moved = model.hidden(x, { training: false, dropout: 0, seed: 0 });
    expect(maxAbsDiff(base, moved)).toBeGreaterThan(1e-3);
    lora.dispose();
    const detached = model.hidden(x, { training: false, dropout: 0, seed: 0 });
    expect(maxAbsDiff(base, detached)).toBe(0);
    tf.dispose([x, base, adapted, moved, detached]);
    model.dispose();
  });

  it('merge into W + (alpha/rank)·A·B, equal to adapter inference within 1e-5', async () => {
    await selectBackend('cpu');
    const model = TransformerLM.create(TINY, 3);
    const lora = new LoraAdapters(model, { rank: 2, alpha: 6, targets: parseLoraTargets('q,v,o,fc,proj') }, 4);
    perturb(lora, 7);
    const x = tokens();
    const withAdapters = model.hidden(x, { training: false, dropout: 0, seed: 0 });
    const merged = lora.merged();
    const weights: Record<string, tf.Tensor> = {};
    for (const [name, v] of model.namedVariables()) weights[name] = merged[name] ?? v;
    const folded = TransformerLM.fromWeights(TINY, weights);
    const out = folded.hidden(x, { training: false, dropout: 0, seed: 0 });
    expect(maxAbsDiff(withAdapters, out)).toBeLessThan(1e-5);
    tf.dispose([x, withAdapters, out, ...Object.values(merged)]);
    lora.dispose();
    folded.dispose();
    model.dispose();
  });

  it('parse their settings: alpha defaults to the rank, targets default to q,v, bad values name the field', () => {
    expect(loraConfigOf({ lora_rank: 4 })).toEqual({ rank: 4, alpha: 4, targets: ['q', 'v'] });
    expect(loraConfigOf({ lora_rank: 2, lora_alpha: 16, lora_targets: 'mlp,o' })).toEqual({ rank: 2, alpha: 16, targets: ['o', 'fc', 'proj'] });
    expect(() => loraConfigOf({})).toThrow(/^params\.lora_rank: expected an integer >= 1/);
    expect(() => loraConfigOf({ lora_rank: 2, lora_alpha: 0 })).toThrow(/^params\.lora_alpha/);
    expect(() => loraConfigOf({ lora_rank: 2, lora_targets: 'q,x' })).toThrow(/^params\.lora_targets: .*got "q,x"/);
  });
});

async function runLora(backend: BackendName, task: EngineTask, events: TrialEvent[] = []) {
  await selectBackend(backend);
  const dir = tempDir('finesweep-lora-');
  const train = task === 'classification' ? writeLines(dir, 'train.jsonl', spamSlice(30, 18)) : writeLines(dir, 'train.jsonl', domainSlice(40));
  const config = trialConfig(dir, train, { type: task, method: 'lora' }, { epochs: 2, lora_rank: 2, lora_alpha: 4, lora_targets: 'q,v,fc', learning_rate: 1e-2 });
  config.backend = backend;
  const before = tf.memory().numTensors;
  const result = await fineTune(config, { onEvent: (e) => events.push(e) }, tinyBase(), backend);
  expect(tf.memory().numTensors).toBe(before);
  return { result, config };
}

describe.each(['classification', 'causal-lm'] as const)('a %s lora trial', (task) => {
  it('trains on wasm like on cpu, and its checkpoint and kept weights hold only adapters (and head)', async () => {
    const events: TrialEvent[] = [];
    const { result, config } = await runLora('wasm', task, events);
    expect(tf.getBackend()).toBe('wasm');
    const cpu = await runLora('cpu', task);
    expect(result.outcome).toBe('completed');
    expect(result.epochs[1].val_loss).not.toBe(result.initialValLoss);
    expect(result.initialValLoss!).toBeCloseTo(cpu.result.initialValLoss!, 4);
    expect(result.epochs[1].val_loss).toBeCloseTo(cpu.result.epochs[1].val_loss, 3);

    const training = result.dataReport!.training!;
    // 2 blocks × (q: 16·2 + 2·16, v: same, fc: 16·2 + 2·32) = 2 × 224, plus the head 16·2 + 2.
    const adapters = 2 * (64 + 64 + 96);
    expect(training.trainableParameters).toBe(task === 'classification' ? adapters + 34 : adapters);
    expect(training.checkpointBytes).toBe(training.trainableParameters * 12);
    expect(training.lora).toEqual({ rank: 2, alpha: 4, targets: ['q', 'v', 'fc'] });
    expect(events.find((e) => e.type === 'data_report')).toBeDefined();

    const names = readdirSync(checkpointDir(config.dir));
    expect(names.length).toBe(2);
    const kept = await loadKept(bestWeightsPath(config.dir));
    const keys = Object.keys(kept.tensors);
    expect(keys.every((k) => k.startsWith('lora/') || k.startsWith('head/'))).toBe(true);
    expect(keys.filter((k) => k.startsWith('head/')).length).toBe(task === 'classification' ? 2 : 0);
    expect(Object.values(kept.tensors).reduce((n, t) => n + t.size, 0)).toBe(training.trainableParameters);
    tf.dispose(Object.values(kept.tensors));
    // The resume checkpoint: the trainable tensors plus their two AdamW moments, and a small header.
    const bytes = statSync(join(checkpointDir(config.dir), names.sort().at(-1)!)).size;
    expect(bytes).toBeGreaterThan(training.checkpointBytes);
    expect(bytes).toBeLessThan(training.checkpointBytes + 20_000);
    expect(kept.meta.lora).toEqual({ rank: 2, alpha: 4, targets: ['q', 'v', 'fc'] });
  });
});
