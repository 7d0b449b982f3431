// The wasm kernel fixes: every op training needs must have a gradient on wasm that matches the cpu
// backend, so that no gap (missing UnsortedSegmentSum, transposed matMul) can come back unnoticed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { cheaperTransposed } from '../../src/engine/kernels.js';
import { crossEntropy, TransformerLM } from '../../src/engine/model.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** Runs f on the given backend and returns its result as nested arrays. */
async function on<T>(backend: 'wasm' | 'cpu', f: () => tf.Tensor | tf.Tensor[]): Promise<number[][]> {
  await selectBackend(backend);
  try {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  } finally {
    await selectBackend('wasm');
  }
}

function expectClose(a: number[][], b: number[][], tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i]!.length);
    const worst = Math.max(...row.map((x, j) => Math.abs(x - b[i]![j]!)));
    expect(worst).toBeLessThan(tol);
  });
}

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 0.9);

describe('wasm training kernels', () => {
  it('differentiates an embedding lookup (tf.gather → UnsortedSegmentSum) like the cpu backend', async () => {
    const f = () => {
      const table = tf.tensor2d(values(10 * 4, 1), [10, 4]);
      const ids = tf.tensor1d([3, 1, 3, 9, 0, 3], 'int32');
      return tf.grad((e: tf.Tensor) => tf.gather(e, ids).mul(tf.tensor1d([1, 2, 3, 4])).square().sum())(table);
    };
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    const wasm = await on('wasm', f);
    const cpu = await on('cpu', f);
    expectClose(wasm, cpu);
    // Row 3 is looked up three times: its gradient is the sum of three contributions, row 2 none.
    expect(wasm[0]!.slice(8, 12).every((x) => x === 0)).toBe(true);
    expect(wasm[0]!.slice(12, 16).some((x) => x !== 0)).toBe(true);
  });

  it('computes unsorted segment sums with dropped out-of-range ids', async () => {
    const f = () => tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor1d([2, 0, 2, 5], 'int32'), 3);
    // rows 0 and 2 go to segment 2, row 1 to segment 0, row 3 (id 5 ≥ 3 segments) nowhere
    expect(await on('wasm', f)).toEqual([[3, 4, 0, 0, 6, 8]]);
  });

  it.each([
    [false, true],
    [true, false],
    [true, true],
  ])('multiplies and differentiates with transposeA=%s transposeB=%s like the cpu backend', async (ta, tb) => {
    const f = () => {
      const a = tf.tensor2d(values(6 * 5, 2), ta ? [5, 6] : [6, 5]);
      const b = tf.tensor2d(values(5 * 7, 3), tb ? [7, 5] : [5, 7]);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb).square().sum())([a, b]);
      return [tf.matMul(a, b, ta, tb), ga!, gb!];
    };
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  it('multiplies batched transposed operands (attention scores) like the cpu backend', async () => {
    const f = () => {
      const q = tf.tensor3d(values(3 * 4 * 2, 4), [3, 4, 2]);
      const k = tf.tensor3d(values(3 * 4 * 2, 5), [3, 4, 2]);
      const [gq, gk] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, true).softmax().square().sum())([q, k]);
      return [tf.matMul(q, k, false, true), gq!, gk!];
    };
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('multiplies and differentiates batched operands (one 2-D product per batch entry) with transposeA=%s transposeB=%s like the cpu backend', async (ta, tb) => {
    // Batch dims [2, 3]: six products, each over its own slice of the operands' memory.
    const f = () => {
      const a = tf.tensor4d(values(2 * 3 * 4 * 5, 9), ta ? [2, 3, 5, 4] : [2, 3, 4, 5]);
      const b = tf.tensor4d(values(2 * 3 * 5 * 6, 10), tb ? [2, 3, 6, 5] : [2, 3, 5, 6]);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor4D, y as tf.Tensor4D, ta, tb).square().sum())([a, b]);
      return [tf.matMul(a, b, ta, tb), ga!, gb!];
    };
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  it.each([
    [true, false],
    [true, true],
  ])('computes a thin-by-wide transposed product as the transpose of the swapped product, like the cpu backend (transposeA=%s transposeB=%s)', async (ta, tb) => {
    // dW = xᵀ·dy with few columns in x and many in dy: the shape where the swapped product is cheaper.
    expect(cheaperTransposed(2, 20, 30, ta, tb)).toBe(true);
    const f = () => {
      const a = tf.tensor2d(values(20 * 2, 11), [20, 2]);
      const b = tf.tensor2d(values(20 * 30, 12), tb ? [30, 20] : [20, 30]);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb).square().sum())([a, b]);
      return [tf.matMul(a, b, ta, tb), ga!, gb!];
    };
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  it('keeps fused matMul (bias + activation) correct with transposed operands', async () => {
    const f = () => {
      const a = tf.tensor2d(values(4 * 3, 6), [4, 3]);
      const b = tf.tensor2d(values(4 * 5, 7), [5, 4]);
      return tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias: tf.tensor1d(values(5, 8)), activation: 'relu' });
    };
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  it('gives the cross-entropy (from Softmax, with the log-sum-exp form where a probability underflows) the values and gradient of autodiff through logSumExp', async () => {
    const f = (underflow: boolean) => () => {
      // With underflow, row 0's target logit lies 200 below its max: exp(−200) is 0 in float32.
      const x = tf.tensor2d(values(4 * 9, 13).map((v, i) => (underflow && i === 0 ? 200 : v * 3)), [4, 9]);
      const targets = tf.tensor1d([underflow ? 1 : 0, 3, 8, 5], 'int32');
      const w = tf.tensor1d([0.5, 1, 2, 0.25]);
      const ours = (l: tf.Tensor) => crossEntropy(l as tf.Tensor2D, targets);
      const reference = (l: tf.Tensor) => tf.logSumExp(l, 1).sub(l.mul(tf.oneHot(targets, 9).toFloat()).sum(1));
      return [ours(x), tf.grad((l) => ours(l).mul(w).sum())(x), reference(x), tf.grad((l) => reference(l).mul(w).sum())(x)];
    };
    for (const underflow of [false, true]) {
      for (const backend of ['wasm', 'cpu'] as const) {
        const [value, grad, refValue, refGrad] = await on(backend, f(underflow));
        expect(value!.every(Number.isFinite)).toBe(true);
        expectClose([value!, grad!], [refValue!, refGrad!], 1e-5);
      }
    }
  });

  it('gives the whole transformer the same gradients on wasm as on cpu', async () => {
    const config = { vocabSize: 40, contextLength: 8, dModel: 8, nHeads: 2, nLayers: 1, dFF: 16, tiedHead: true };
    const f = () => {
      const model = TransformerLM.create(config, 3);
      try {
        const tokens = tf.tensor2d([1, 5, 7, 9, 2, 0, 0, 0, 4, 4, 8, 30, 31, 39, 1, 2], [2, 8], 'int32');
        const mask = tf.tensor2d([1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], [2, 8]);
        const vars = [...model.namedVariables().values()];
        const { value, grads } = tf.variableGrads(() => model.lmLoss(tokens, mask, { training: false, dropout: 0, seed: 0 }), vars);
        return [value, ...vars.map((v) => grads[v.name]!)];
      } finally {
        model.dispose();
      }
    };
    expectClose(await on('wasm', f), await on('cpu', f), 1e-5);
  });
});
