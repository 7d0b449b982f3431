// export + predict: a trial's kept best-epoch weights become a model directory, and predicting on
// the trial's validation split gives back its best val_accuracy exactly; LoRA merged equals LoRA
// with adapters within 1e-5; a directory that is not an export is refused by name.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { loadSplit } from '../../src/engine/data/dataset.js';
import { exportModel, loadExportedModel } from '../../src/engine/exported.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import { bestWeightsPath } from '../../src/engine/kept.js';
import { saveBaseModel } from '../../src/engine/model-io.js';
import { classify, generate, perplexities } from '../../src/engine/predict.js';
import type { TrialConfig } from '../../src/engine/types.js';
import { domainSlice, spamSlice, tempDir, tinyBase, trialConfig, writeLines } from './trial-fixture.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** A trial on a base model written to disk (export reads the base from its directory). */
async function trained(overrides: Partial<TrialConfig['task']>, params: Partial<TrialConfig['params']>) {
  const dir = tempDir('finesweep-export-');
  const base = tinyBase();
  await saveBaseModel(join(dir, 'model'), base.model, base.tokenizer, { name: 'tiny' }, base.probeTexts);
  base.model.dispose();
  const train = overrides.type === 'causal-lm' ? writeLines(dir, 'train.jsonl', domainSlice(40)) : writeLines(dir, 'train.jsonl', spamSlice(30, 18));
  const config = trialConfig(dir, train, { forgetting: false, ...overrides }, { epochs: 3, ...params });
  config.objective = overrides.type === 'causal-lm' ? { metric: 'val_loss', goal: 'minimize' } : { metric: 'val_accuracy', goal: 'maximize' };
  const result = await fineTune(config, {}, tinyBase(), 'cpu');
  expect(result.outcome).toBe('completed');
  return { dir, config, result };
}

describe('export and predict', () => {
  it('reproduce the best val_accuracy exactly on the validation split', async () => {
    const { dir, config, result } = await trained({}, { learning_rate: 1e-2 });
    const out = join(dir, 'exported');
    const { meta } = await exportModel({ baseModelDir: join(dir, 'model'), keptPath: bestWeightsPath(dir), outDir: out, card: { name: 'spam', trial: 't-1' } });
    const best = Math.max(...result.epochs.map((m) => m.val_accuracy!));
    expect(meta.value).toBe(best);
    const validation = loadSplit(config.task.data, 'classification', config.seed).validation;
    const m = await loadExportedModel(out);
    const before = tf.memory().numTensors;
    const predictions = classify(m, validation.map((e) => e.text));
    expect(tf.memory().numTensors).toBe(before);
    const correct = predictions.filter((p, i) => p.label === validation[i].label).length;
    expect(correct / validation.length).toBe(best);
    for (const p of predictions) expect(p.probabilities.ham + p.probabilities.spam).toBeCloseTo(1, 5);
    expect(m.card.fineTune).toMatchObject({ name: 'spam', trial: 't-1', method: 'full', weightsEpoch: meta.epoch });
    m.dispose();
  });

  it('LoRA: the merged export predicts what the adapters do, within 1e-5', async () => {
    const { dir } = await trained({ method: 'lora' }, { lora_rank: 2, lora_alpha: 8, lora_targets: 'all', learning_rate: 3e-2 });
    const texts = spamSlice(5, 5).map((r) => (JSON.parse(r) as { text: string }).text);
    const probs = async (adapters: boolean) => {
      const out = join(dir, adapters ? 'adapters' : 'merged');
      await exportModel({ baseModelDir: join(dir, 'model'), keptPath: bestWeightsPath(dir), outDir: out, card: {}, adapters });
      const m = await loadExportedModel(out);
      const p = classify(m, texts).map((x) => x.probabilities.spam);
      m.dispose();
      return p;
    };
    const merged = await probs(false);
    const adapters = await probs(true);
    merged.forEach((p, i) => expect(Math.abs(p - adapters[i])).toBeLessThan(1e-5));
  });

  it('causal-lm: perplexity per text and a seeded continuation', async () => {
    const { dir } = await trained({ type: 'causal-lm' }, { epochs: 1 });
    const out = join(dir, 'exported');
    await exportModel({ baseModelDir: join(dir, 'model'), keptPath: bestWeightsPath(dir), outDir: out, card: {} });
    const m = await loadExportedModel(out);
    const [p] = perplexities(m, ['The court held that the contract was void.']);
    expect(p.perplexity).toBeGreaterThan(1);
    expect(p.tokens).toBeGreaterThan(1);
    expect(generate(m, 'The court', 5, 0.8, 3)).toBe(generate(m, 'The court', 5, 0.8, 3));
    expect(typeof generate(m, 'The court', 5)).toBe('string');
    m.dispose();
  });

  it('refuses a directory that is not an exported model, naming it', async () => {
    const dir = tempDir('finesweep-notexport-');
    mkdirSync(join(dir, 'x'));
    await expect(loadExportedModel(join(dir, 'x'))).rejects.toThrow(/x: not an exported model directory \(no task\.json/);
  });
});
