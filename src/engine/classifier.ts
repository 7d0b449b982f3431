// The classification head on the pretrained body: pooled hidden state → class logits.
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../rng.js';

export type Pooling = 'mean' | 'last';

let instances = 0;

export class ClassificationHead {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  /**
   * Seeded init: kernel ~ N(0, 0.02) (GPT-style; small so the first logits sit near the prior),
   * bias zero. The seed is the trial's, so a resumed trial can rebuild the same head before loading.
   */
  constructor(
    readonly dModel: number,
    readonly numClasses: number,
    seed: number,
    readonly pooling: Pooling = 'mean',
  ) {
    const rng = mulberry32(seed);
    const w = new Float32Array(dModel * numClasses);
    for (let i = 0; i < w.length; i += 2) {
      // Box–Muller from the seeded generator: tf.randomNormal's seeding differs across backends.
      const u = Math.max(rng(), 1e-12);
      const v = rng();
      const r = Math.sqrt(-2 * Math.log(u)) * 0.02;
      w[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < w.length) w[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    // tfjs variable names are global per engine; a counter keeps two heads (two trials) apart.
    const id = instances++;
    // tf.variable keeps its own reference to the data: the initial tensors are ours to dispose.
    const [kernel, bias] = [tf.tensor2d(w, [dModel, numClasses]), tf.zeros([numClasses])];
    this.kernel = tf.variable(kernel, true, `cls_head_${id}/kernel`);
    this.bias = tf.variable(bias, true, `cls_head_${id}/bias`);
    tf.dispose([kernel, bias]);
  }

  /** The head's variables under stable logical names (checkpoints and the optimizer use these). */
  variables(): Record<string, tf.Variable> {
    return { 'head/kernel': this.kernel, 'head/bias': this.bias };
  }

  /**
   * Pool weights [B, T] for right-padded sequences of the given lengths: mean over real tokens, or
   * a one-hot on the last real token. With causal attention and right padding, real positions never
   * see the padding, so no attention mask is needed.
   */
  poolWeights(lengths: number[], width: number): tf.Tensor2D {
    const w = new Float32Array(lengths.length * width);
    lengths.forEach((len, b) => {
      if (this.pooling === 'last') w[b * width + len - 1] = 1;
      else for (let t = 0; t < len; t++) w[b * width + t] = 1 / len;
    });
    return tf.tensor2d(w, [lengths.length, width]);
  }

  /** hidden [B,T,D], pool weights [B,T] → logits [B,C]. */
  logits(hidden: tf.Tensor3D, pool: tf.Tensor2D, dropout = 0, seed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      let pooled = tf.sum(tf.mul(hidden, tf.expandDims(pool, 2)), 1) as tf.Tensor2D;
      if (dropout > 0) pooled = tf.dropout(pooled, dropout, undefined, seed) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, this.kernel), this.bias) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}
