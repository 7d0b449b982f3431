// Small real fixtures for engine tests: a tiny transformer LM with a trained BPE tokenizer (built in
// memory from a fixed seed, so every call returns the same weights) and small slices of the demo data.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransformerLM, type ModelConfig } from '../../src/engine/model.js';
import { Tokenizer } from '../../src/engine/tokenizer.js';
import type { BaseModel } from '../../src/engine/fine-tune.js';
import type { TrialConfig } from '../../src/engine/types.js';

const root = join(import.meta.dirname, '..', '..');
const spamRows = readFileSync(join(root, 'sweeps/data/spam.jsonl'), 'utf8').trim().split('\n');
const domainRows = readFileSync(join(root, 'sweeps/data/domain.jsonl'), 'utf8').trim().split('\n');

/** `ham` then `spam` rows of the shipped set, interleaved in file order. */
export function spamSlice(ham: number, spam: number): string[] {
  const h = spamRows.filter((r) => r.includes('"label":"ham"')).slice(0, ham);
  const s = spamRows.filter((r) => r.includes('"label":"spam"')).slice(0, spam);
  return [...h, ...s];
}

export function domainSlice(n: number): string[] {
  return domainRows.slice(0, n);
}

export function tempDir(prefix = 'finesweep-trial-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeLines(dir: string, name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

export const TINY: ModelConfig = { vocabSize: 300, contextLength: 24, dModel: 16, nHeads: 2, nLayers: 2, dFF: 32, tiedHead: true };

const tokenizerTexts = spamSlice(30, 30).map((r) => (JSON.parse(r) as { text: string }).text);
let tokenizer: Tokenizer | undefined;

/** A tiny base model (random init — the engine's mechanics do not need a pretrained one). */
export function tinyBase(config: ModelConfig = TINY, seed = 11): BaseModel {
  tokenizer ??= Tokenizer.train(tokenizerTexts, TINY.vocabSize);
  const probeTexts = [
    'The state of the union is strong, and the nation is at peace.',
    'Congress shall make laws for the general welfare of the people.',
    'We must reduce the public debt and balance the budget this year.',
  ];
  return { model: TransformerLM.create(config, seed), tokenizer, probeTexts };
}

export function trialConfig(dir: string, train: string, overrides: Partial<TrialConfig['task']> = {}, params: Partial<TrialConfig['params']> = {}): TrialConfig {
  return {
    trialId: 't-1',
    seed: 5,
    task: {
      type: 'classification',
      model: join(dir, 'model'),
      data: { train, split: 0.25, textField: 'text', labelField: 'label' },
      method: 'full',
      topK: 1,
      forgetting: true,
      ...overrides,
    },
    params: { learning_rate: 3e-3, batch_size: 8, epochs: 2, ...params },
    backend: 'cpu',
    dir,
  };
}
