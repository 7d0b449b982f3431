// The transformer LM on wasm: deterministic, causal, masked, seeded dropout, and it trains.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { TransformerLM, type ModelConfig } from '../../src/engine/model.js';
import { AdamW } from '../../src/engine/optimizer.js';

const config: ModelConfig = { vocabSize: 50, contextLength: 16, dModel: 16, nHeads: 2, nLayers: 2, dFF: 32, tiedHead: false };

beforeAll(async () => {
  expect((await selectBackend('wasm')).name).toBe('wasm');
});

const tokens2d = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
const eval0 = { training: false, dropout: 0, seed: 0 };

describe('TransformerLM', () => {
  it('initialises deterministically from the seed', () => {
    const a = TransformerLM.create(config, 7);
    const b = TransformerLM.create(config, 7);
    const c = TransformerLM.create(config, 8);
    const w = (m: TransformerLM) => Array.from(m.namedVariables().get('block1/mlp/fc/kernel')!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('partitions its named variables into embedding, blocks, final norm and LM head', () => {
    for (const tiedHead of [false, true]) {
      const m = TransformerLM.create({ ...config, tiedHead }, 1);
      const groups = [m.embeddingVariables(), m.blockVariables(0), m.blockVariables(1), m.finalNormVariables(), m.lmHeadVariables()].flat();
      expect(new Set(groups).size).toBe(groups.length);
      expect(new Set(groups)).toEqual(new Set(m.namedVariables().values()));
      expect(m.namedVariables().has('lm_head/kernel')).toBe(!tiedHead);
      expect(() => m.blockVariables(2)).toThrow(/no block 2/);
      m.dispose();
    }
  });

  it('is causal: a later token never changes earlier hidden states', () => {
    const m = TransformerLM.create(config, 1);
    const h1 = m.hidden(tokens2d([[5, 6, 7, 8, 9]]), eval0);
    const h2 = m.hidden(tokens2d([[5, 6, 7, 40, 41]]), eval0);
    expect(h1.shape).toEqual([1, 5, 16]);
    const first = (h: tf.Tensor3D) => Array.from(h.slice([0, 0, 0], [1, 3, 16]).dataSync());
    const last = (h: tf.Tensor3D) => Array.from(h.slice([0, 3, 0], [1, 2, 16]).dataSync());
    expect(first(h1)).toEqual(first(h2));
    expect(last(h1)).not.toEqual(last(h2));
    tf.dispose([h1, h2]);
    m.dispose();
  });

  it('ignores padded keys under an attention mask, and padded targets in the loss', () => {
    const m = TransformerLM.create(config, 2);
    const mask = tf.tensor2d([[0, 0, 1, 1, 1]]);
    // Left padding with different pad ids: the real positions must not see them.
    const a = m.hidden(tokens2d([[0, 0, 11, 12, 13]]), { ...eval0, attentionMask: mask });
    const b = m.hidden(tokens2d([[33, 44, 11, 12, 13]]), { ...eval0, attentionMask: mask });
    const real = (h: tf.Tensor3D) => Array.from(h.slice([0, 2, 0], [1, 3, 16]).dataSync());
    real(a).forEach((x, i) => expect(x).toBeCloseTo(real(b)[i]!, 5));
    // Right padding: whatever follows the real tokens does not change the loss.
    const rightMask = tf.tensor2d([[1, 1, 1, 0, 0]]);
    const l1 = m.lmLoss(tokens2d([[3, 4, 5, 0, 0]]), rightMask, eval0);
    const l2 = m.lmLoss(tokens2d([[3, 4, 5, 20, 21]]), rightMask, eval0);
    expect(l1.dataSync()[0]).toBeCloseTo(l2.dataSync()[0]!, 5);
    tf.dispose([mask, a, b, rightMask, l1, l2]);
    m.dispose();
  });

  it('applies dropout only in training, reproducibly for a seed', () => {
    const m = TransformerLM.create(config, 3);
    const t = tokens2d([[1, 2, 3, 4, 5, 6]]);
    const run = (training: boolean, seed: number) => {
      const h = m.hidden(t, { training, dropout: 0.5, seed });
      const out = Array.from(h.dataSync());
      h.dispose();
      return out;
    };
    expect(run(false, 1)).toEqual(run(false, 2));
    expect(run(true, 1)).toEqual(run(true, 1));
    expect(run(true, 1)).not.toEqual(run(true, 2));
    expect(run(true, 1)).not.toEqual(run(false, 1));
    t.dispose();
    m.dispose();
  });

  it('gives the LM head logits of shape [N, V] from 2-D hidden states', () => {
    const m = TransformerLM.create({ ...config, tiedHead: true }, 4);
    const h = tf.randomNormal([6, 16]) as tf.Tensor2D;
    const logits = m.lmLogits(h);
    expect(logits.shape).toEqual([6, 50]);
    tf.dispose([h, logits]);
    m.dispose();
  });

  it('trains on wasm: the loss falls within a few AdamW steps, and nothing leaks', () => {
    const before = tf.memory().numTensors;
    const m = TransformerLM.create(config, 5);
    const opt = new AdamW({ weightDecay: 0.01 });
    const vars = Object.fromEntries(m.namedVariables());
    const rows = Array.from({ length: 8 }, (_, r) => Array.from({ length: 16 }, (_, i) => ((r + i * 3) % 12) + 5));
    const t = tokens2d(rows);
    const mask = tf.onesLike(t) as tf.Tensor2D;
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) {
      const { value, grads } = tf.variableGrads(() => m.lmLoss(t, mask, { training: true, dropout: 0.1, seed: step }), Object.values(vars));
      const byName = Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, grads[v.name]!]));
      opt.apply(byName, vars, 1e-2);
      losses.push(value.dataSync()[0]!);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(losses[0]).toBeGreaterThan(Math.log(50) - 0.5);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.6);
    tf.dispose([t, mask]);
    opt.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a sequence longer than the context and an inconsistent config', () => {
    const m = TransformerLM.create(config, 6);
    const t = tf.zeros([1, 17], 'int32') as tf.Tensor2D;
    expect(() => m.hidden(t, eval0)).toThrow(/exceeds the model's context of 16/);
    t.dispose();
    m.dispose();
    expect(() => TransformerLM.create({ ...config, nHeads: 3 }, 1)).toThrow(/divisible by nHeads/);
  });
});
