// AdamW with tf ops: the update matches the formula, decay is decoupled, and the state restores exactly.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { AdamW } from '../../src/engine/optimizer.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** The same update in plain JS, for a single scalar weight. */
function reference(w: number, grads: number[], lr: number, wd: number): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    const update = m / (1 - 0.9 ** t) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
    w = w - lr * (update + wd * w);
  });
  return w;
}

describe('AdamW', () => {
  it('follows the AdamW update with decoupled weight decay on matrices only', () => {
    const before = tf.memory().numTensors;
    const opt = new AdamW({ weightDecay: 0.1 });
    // Created inside tidy so that only the variables remain, not their initial values.
    const [matrix, bias] = tf.tidy(() => [tf.variable(tf.tensor2d([[0.5]])), tf.variable(tf.tensor1d([0.5]))]);
    const grads = [0.3, -0.2, 0.05];
    for (const g of grads) {
      const gm = tf.tensor2d([[g]]);
      const gb = tf.tensor1d([g]);
      opt.apply({ matrix: gm, bias: gb }, { matrix, bias }, 0.01);
      tf.dispose([gm, gb]);
    }
    expect(opt.step).toBe(3);
    expect(matrix.dataSync()[0]).toBeCloseTo(reference(0.5, grads, 0.01, 0.1), 6);
    expect(bias.dataSync()[0]).toBeCloseTo(reference(0.5, grads, 0.01, 0), 6);
    opt.dispose();
    tf.dispose([matrix, bias]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes from a saved state exactly as if never interrupted', () => {
    const run = (interruptAt: number | undefined): number[] => {
      const w = tf.variable(tf.tensor2d([1, -2, 3, 0.5], [2, 2]));
      let opt = new AdamW({ weightDecay: 0.01 });
      for (let s = 0; s < 6; s++) {
        if (s === interruptAt) {
          const state = opt.getState();
          const copy = { step: state.step, tensors: Object.fromEntries(Object.entries(state.tensors).map(([k, t]) => [k, t.clone()])) };
          opt.dispose();
          opt = new AdamW({ weightDecay: 0.01 });
          opt.setState(copy);
        }
        const g = tf.tidy(() => w.mul(w).sub(s));
        opt.apply({ w: g }, { w }, 0.05);
        g.dispose();
      }
      const out = Array.from(w.dataSync());
      opt.dispose();
      w.dispose();
      return out;
    };
    expect(run(3)).toEqual(run(undefined));
  });

  it('names its state per variable and refuses a state missing a moment', () => {
    const opt = new AdamW();
    const w = tf.variable(tf.ones([2]));
    const g = tf.ones([2]);
    opt.apply({ w: g }, { w }, 0.1);
    const state = opt.getState();
    expect(state.step).toBe(1);
    expect(Object.keys(state.tensors)).toEqual(['w/m', 'w/v']);
    expect(() => new AdamW().setState({ step: 1, tensors: { 'w/m': tf.ones([2]) } })).toThrow(/lacks its m or v/);
    tf.dispose([w, g]);
    opt.dispose();
  });
});
