// The model directory: what is saved loads back identically; every bad file is an InputError naming it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { TransformerLM } from '../../src/engine/model.js';
import { loadBaseModel, saveBaseModel, type ModelCard } from '../../src/engine/model-io.js';
import { Tokenizer } from '../../src/engine/tokenizer.js';
import { InputError } from '../../src/errors.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

const texts = ['The union is strong and the people are free.', 'Congress shall make the laws of the union.'];
const card: ModelCard = { name: 'tiny', steps: 0, seed: 9 };

async function savedTiny(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'fs-model-')), 'base');
  const tokenizer = Tokenizer.train(texts, 280);
  const model = TransformerLM.create({ vocabSize: tokenizer.vocabSize, contextLength: 8, dModel: 8, nHeads: 2, nLayers: 1, dFF: 16, tiedHead: false }, 9);
  await saveBaseModel(dir, model, tokenizer, card, texts);
  model.dispose();
  return dir;
}

async function loadError(dir: string): Promise<string> {
  const err = await loadBaseModel(dir).then(
    (m) => {
      m.model.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return (err as Error).message;
}

const edit = (path: string, f: (json: Record<string, any>) => void) => {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  f(json);
  writeFileSync(path, JSON.stringify(json));
};

describe('model directory', () => {
  it('saves and loads a model that computes the same logits, with its tokenizer, card and probe', async () => {
    const dir = await savedTiny();
    const a = await loadBaseModel(dir);
    const b = await loadBaseModel(dir);
    expect(a.card).toEqual(card);
    expect(a.probeTexts).toEqual(texts);
    expect(a.tokenizer.decode(a.tokenizer.encode(texts[0]!))).toBe(texts[0]);
    const t = tf.tensor2d([a.tokenizer.encode(texts[0]!).slice(0, 8)], undefined, 'int32');
    const la = a.model.lmLoss(t, tf.onesLike(t) as tf.Tensor2D, { training: false, dropout: 0, seed: 0 });
    const lb = b.model.lmLoss(t, tf.onesLike(t) as tf.Tensor2D, { training: false, dropout: 0, seed: 0 });
    expect(la.dataSync()[0]).toBe(lb.dataSync()[0]);
    expect(la.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([t, la, lb]);
    a.model.dispose();
    b.model.dispose();
    expect(existsSync(join(dir, '..', '.base.' + process.pid + '.tmp'))).toBe(false);
  });

  it('names a missing directory and a missing file', async () => {
    const dir = await savedTiny();
    expect(await loadError(join(dir, 'nope'))).toMatch(/model directory .*nope does not exist/);
    rmSync(join(dir, 'tokenizer.json'));
    expect(await loadError(dir)).toMatch(/tokenizer\.json: cannot read \(ENOENT\)/);
  });

  it('names bad JSON and a wrong format', async () => {
    const dir = await savedTiny();
    writeFileSync(join(dir, 'model-card.json'), '{ nope');
    expect(await loadError(dir)).toMatch(/model-card\.json: not valid JSON/);
    edit(join(dir, 'model.json'), (j) => (j.format = 'keras'));
    expect(await loadError(dir)).toMatch(/model\.json: "format" must be "finesweep-transformer-lm"/);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
    expect(await loadError(dir)).toMatch(/model\.json: a TensorFlow\.js LayersModel, which finesweep cannot fine-tune yet/);
  });

  it('names a shape mismatch between the config and the manifest', async () => {
    const dir = await savedTiny();
    edit(join(dir, 'model.json'), (j) => (j.config.dModel = 12));
    expect(await loadError(dir)).toMatch(/model\.json: weight "embed\/tokens" has shape \[\d+,8\], expected \[\d+,12\]/);
  });

  it('detects truncated or altered weights and a tokenizer of another size', async () => {
    const dir = await savedTiny();
    const bin = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), bin.subarray(0, bin.length - 4));
    expect(await loadError(dir)).toMatch(/weights\.bin: \d+ bytes, expected \d+/);
    const altered = Buffer.from(bin);
    altered[10]! ^= 0xff;
    writeFileSync(join(dir, 'weights.bin'), altered);
    expect(await loadError(dir)).toMatch(/weights\.bin: checksum does not match/);
    writeFileSync(join(dir, 'weights.bin'), bin);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(Tokenizer.train(texts, 270).toJSON()));
    expect(await loadError(dir)).toMatch(/tokenizer\.json: \d+ tokens, but model\.json says vocabSize \d+/);
  });

  it('names a bad probe line', async () => {
    const dir = await savedTiny();
    writeFileSync(join(dir, 'general-probe.jsonl'), '{"text": "ok"}\n{"txt": 1}\n');
    expect(await loadError(dir)).toMatch(/general-probe\.jsonl:2: expected \{"text": "\.\.\."\}/);
  });
});

describe('the shipped base model (models/base)', () => {
  it('loads and predicts its held-out general text far better than chance', async () => {
    const dir = new URL('../../models/base', import.meta.url).pathname;
    const { model, tokenizer, card, probeTexts } = await loadBaseModel(dir);
    expect(card.heldOutPerplexity).toBeLessThan(tokenizer.vocabSize / 4);
    expect(probeTexts.length).toBeGreaterThanOrEqual(100);
    const T = model.config.contextLength;
    const rows = probeTexts.slice(0, 32).map((text) => {
      const ids = tokenizer.encode(text).slice(0, T);
      return [...ids, ...Array<number>(T - ids.length).fill(tokenizer.pad)];
    });
    const mask = rows.map((r, i) => r.map((_, j) => (j < Math.min(tokenizer.encode(probeTexts[i]!).length, T) ? 1 : 0)));
    const loss = tf.tidy(() => model.lmLoss(tf.tensor2d(rows, undefined, 'int32'), tf.tensor2d(mask), { training: false, dropout: 0, seed: 0 }));
    const perplexity = Math.exp(loss.dataSync()[0]!);
    expect(perplexity).toBeLessThan(tokenizer.vocabSize / 4);
    loss.dispose();
    model.dispose();
  });
});
