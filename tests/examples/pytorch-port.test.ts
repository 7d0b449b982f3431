// The PyTorch example (examples/pytorch) is the same model as the engine: the same texts give the
// same token ids, the same ids give the same logits (LM head and classification head, ≤ 1e-4), and
// the same data seed holds out the same examples. Both sides run here: tfjs in this process, the
// port in Debian's /usr/bin/python3 with python3-torch (one run of it answers every question).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassificationHead } from '../../src/engine/classifier.js';
import { selectBackend } from '../../src/engine/backend.js';
import { loadSplit } from '../../src/engine/data/dataset.js';
import { loadBaseModel, type BaseModel } from '../../src/engine/model-io.js';
import { mixSeed, mulberry32 } from '../../src/rng.js';
import { python, requireTorch } from './python.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = join(ROOT, 'models/base');
const SPAM = join(ROOT, 'sweeps/data/spam.jsonl');
const HELPER = join(import.meta.dirname, 'pytorch_port.py');

interface PortAnswer {
  tokens: number[][];
  lm_logits: number[][][];
  cls_logits: number[][];
  splits: Array<{ train: number[]; validation: number[] }>;
}

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
}

const spamTexts = readFileSync(SPAM, 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { text: string }).text);
const SPLITS = [
  { seed: 3466190748, maxExamples: 800 }, // deriveSeed(42, 'data'): the split of a sweep with seed 42
  { seed: 1, maxExamples: undefined },
];
const HEAD_SEED = mixSeed(12345, 0x4ead); // how fine-tune.ts seeds the head of a trial with seed 12345

let base: BaseModel;
let texts: string[];
let ids: number[][];
let lengths: number[];
let answer: PortAnswer;
beforeAll(async () => {
  await selectBackend('wasm');
  base = await loadBaseModel(MODEL);
  texts = [
    ...spamTexts.filter((_, i) => i % 10 === 0),
    ...base.probeTexts,
    'a  b\t\tc \n d', '  leading and trailing  ', 'ça coûte 12,50 € — déjà vu?!', 'emoji 👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\u00a0nbsp\u2003em\u3000ideo',
    'x1y22z ٣٤ Ⅻ ½', '', ' ', '\r\n\r\n', "don't stop", 'ÆØÅ Ǆ ﬁ', '日本語のテキスト', 'tab\u000bvt\u000cff\u0085nel\ufeffbom',
  ];
  // Two real texts, right-padded to the context, and one row of seeded random ids.
  const { contextLength: T, vocabSize: V } = base.model.config;
  const rng = mulberry32(7);
  const rows = [spamTexts[0]!, 'Subject: WIN money now!!! click here'].map((t) => [base.tokenizer.bos, ...base.tokenizer.encode(t)].slice(0, T));
  rows.push(Array.from({ length: T }, () => Math.floor(rng() * V)));
  lengths = rows.map((r) => r.length);
  ids = rows.map((r) => [...r, ...new Array<number>(T - r.length).fill(base.tokenizer.pad)]);

  requireTorch();
  const request = { model: MODEL, texts, ids, lengths, head_seed: HEAD_SEED, splits: SPLITS.map((s) => ({ file: SPAM, fraction: 0.2, seed: s.seed, max_examples: s.maxExamples })) };
  const r = python([HELPER], { input: JSON.stringify(request) });
  if (r.status !== 0) throw new Error(`the PyTorch port failed: ${r.stderr.trim().split('\n').at(-1)}`);
  answer = JSON.parse(r.stdout) as PortAnswer;
});

describe('the PyTorch port of the base model', () => {
  it('tokenizes like the engine: spam texts, the probe and awkward Unicode and whitespace', () => {
    expect(answer.tokens.length).toBe(texts.length);
    const mismatched = texts.filter((t, i) => JSON.stringify(answer.tokens[i]) !== JSON.stringify(base.tokenizer.encode(t)));
    expect(mismatched).toEqual([]);
  });

  it('gives the base model the same LM and classification logits as the engine (≤ 1e-4)', () => {
    const { contextLength: T, vocabSize: V, dModel: D } = base.model.config;
    expect(Math.min(...lengths)).toBeLessThan(T); // at least one row has padding
    const head = new ClassificationHead(D, 2, HEAD_SEED);
    const [lm, cls] = tf.tidy(() => {
      const tokens = tf.tensor2d(ids, [ids.length, T], 'int32');
      const h = base.model.hidden(tokens, { training: false, dropout: 0, seed: 0 });
      const lmLogits = base.model.lmLogits(h.reshape([ids.length * T, D]) as tf.Tensor2D);
      const pool = head.poolWeights(lengths, T);
      return [Array.from(lmLogits.dataSync()), Array.from(head.logits(h, pool).dataSync())];
    });
    head.dispose();

    const torchLm = answer.lm_logits.flat(2);
    const torchCls = answer.cls_logits.flat();
    expect(torchLm.length).toBe(ids.length * T * V);
    const lmDiff = maxAbsDiff(torchLm, lm);
    console.log(`max |logit difference|: LM ${lmDiff.toExponential(2)}, classifier ${maxAbsDiff(torchCls, cls).toExponential(2)}`);
    expect(lmDiff).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(torchCls, cls)).toBeLessThanOrEqual(1e-4);
    // Not trivially equal: the logits vary, so a port that ignored its input would fail.
    expect(lm.reduce((a, b) => Math.max(a, b)) - lm.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(5);
  });

  it.each(SPLITS.map((s, i) => ({ ...s, i })))(
    'holds out the same validation examples as the engine (data seed $seed, max_examples $maxExamples)',
    ({ seed, maxExamples, i }) => {
      const data = { train: SPAM, split: 0.2, seed, textField: 'text', labelField: 'label', ...(maxExamples ? { maxExamples } : {}) };
      const engine = loadSplit(data, 'classification', 0);
      const split = answer.splits[i]!;
      expect(split.validation).toEqual(engine.validation.map((e) => e.line));
      expect(split.train).toEqual(engine.train.map((e) => e.line));
      expect(split.validation.length).toBeGreaterThan(0);
    },
  );
});
