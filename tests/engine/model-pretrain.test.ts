// Pretraining: the same seed reproduces the model byte for byte, and the result loads as a base model.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { loadBaseModel } from '../../src/engine/model-io.js';
import { pretrain, readCorpus, type PretrainOptions } from '../../src/engine/pretrain.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

const small = (out: string, seed: number): PretrainOptions => ({
  out,
  seed,
  steps: 4,
  backend: 'wasm',
  vocabSize: 300,
  batchSize: 4,
  maxDocuments: 8,
  config: { contextLength: 16, dModel: 16, nHeads: 2, nLayers: 1, dFF: 32 },
});

const files = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('pretrain', () => {
  it('reads the shipped corpus with its licence', () => {
    const corpus = readCorpus();
    expect(corpus.documents.length).toBeGreaterThan(200);
    expect(corpus.documents[0]!.text).toMatch(/^Fellow-Citizens of the Senate/);
    expect(corpus.licence).toMatch(/public domain/);
  });

  it('reproduces the same model files from the same seed, and another seed differs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fs-pretrain-'));
    const progress: string[] = [];
    const card = await pretrain({ ...small(join(root, 'a'), 3), onProgress: (m) => progress.push(m) });
    await pretrain(small(join(root, 'b'), 3));
    await pretrain(small(join(root, 'c'), 4));
    expect(files(join(root, 'a'))).toEqual(files(join(root, 'b')));
    expect(files(join(root, 'a'))['weights.bin']).not.toEqual(files(join(root, 'c'))['weights.bin']);
    expect(card.steps).toBe(4);
    expect(card.seed).toBe(3);
    expect(card.heldOutPerplexity).toBeGreaterThan(1);
    expect(card.reproduce).toBeUndefined(); // programmatic options: the CLI line would not reproduce it
    expect(progress.some((m) => m.startsWith('step 4/4'))).toBe(true);

    const base = await loadBaseModel(join(root, 'a'));
    expect(base.tokenizer.vocabSize).toBe(300);
    expect(base.probeTexts.length).toBeGreaterThan(0);
    expect(base.card).toEqual(card);
    base.model.dispose();
  });

  // Needs `npm run build` (the CLI runs from dist/).
  it.each([
    [['--steps', '0'], /^finesweep: --steps: expected an integer ≥ 1, got "0"$/],
    [['--seed', 'x'], /^finesweep: --seed: expected an integer ≥ 0, got "x"$/],
    [['--backend', 'tpu'], /^finesweep: --backend: expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu, got "tpu"$/],
  ])('rejects bad flags %j with exit code 2, one line, and writes nothing', (flags, message) => {
    const out = join(mkdtempSync(join(tmpdir(), 'fs-pretrain-cli-')), 'm');
    const r = spawnSync(process.execPath, ['bin/finesweep.js', 'pretrain', '--out', out, ...flags], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
