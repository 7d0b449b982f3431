// Catastrophic forgetting: the perplexity on held-out text of the base model's general corpus,
// before and after the fine-tune.
import * as tf from '@tensorflow/tfjs';
import { crossEntropy, type TransformerLM } from './model.js';
import type { TokenEncoder } from './data/dataset.js';

/** Probe texts per forward pass. */
const PROBE_BATCH = 32;

export class ForgettingProbe {
  private constructor(
    private readonly model: TransformerLM,
    private readonly batches: Array<{ tokens: tf.Tensor2D; mask: tf.Tensor2D }>,
    /** The base LM head (kernel [D, V] or, tied, the embedding [V, D]; and bias), when kept aside. */
    private readonly head?: { kernel: tf.Tensor2D; tied: boolean; bias: tf.Tensor1D },
  ) {}

  /**
   * keepHead: score through a copy of the base model's LM head taken now, so that a classification
   * fine-tune (whose full method moves the embedding that a tied head reuses) is measured through
   * its fine-tuned body and the original head.
   */
  static create(model: TransformerLM, tokenizer: TokenEncoder, texts: string[], keepHead: boolean): ForgettingProbe {
    const T = model.config.contextLength;
    const seqs = texts.map((t) => [tokenizer.bos, ...tokenizer.encode(t), tokenizer.eos].slice(0, T)).filter((s) => s.length >= 2);
    const batches: Array<{ tokens: tf.Tensor2D; mask: tf.Tensor2D }> = [];
    for (let i = 0; i < seqs.length; i += PROBE_BATCH) {
      const group = seqs.slice(i, i + PROBE_BATCH);
      const width = Math.max(...group.map((s) => s.length));
      const ids = new Int32Array(group.length * width).fill(tokenizer.pad);
      const mask = new Float32Array(group.length * width);
      group.forEach((s, b) => {
        ids.set(s, b * width);
        mask.fill(1, b * width, b * width + s.length);
      });
      batches.push({ tokens: tf.tensor2d(ids, [group.length, width], 'int32'), mask: tf.tensor2d(mask, [group.length, width]) });
    }
    let head: ForgettingProbe['head'];
    if (keepHead) {
      const vars = model.namedVariables();
      const tied = model.config.tiedHead;
      head = {
        tied,
        kernel: tf.clone(vars.get(tied ? 'embed/tokens' : 'lm_head/kernel')!) as tf.Tensor2D,
        bias: tf.clone(vars.get('lm_head/bias')!) as tf.Tensor1D,
      };
    }
    return new ForgettingProbe(model, batches, head);
  }

  /** Token-weighted perplexity of the model (as it is now) on the probe texts. */
  perplexity(): number {
    let lossSum = 0;
    let tokens = 0;
    for (const { tokens: ids, mask } of this.batches) {
      const [B, T] = ids.shape;
      const count = tf.tidy(() => mask.slice([0, 1], [B, T - 1]).sum());
      const n = count.dataSync()[0];
      count.dispose();
      const loss = tf.tidy(() => this.meanLoss(ids, mask));
      lossSum += loss.dataSync()[0] * n;
      tokens += n;
      loss.dispose();
    }
    return Math.exp(lossSum / Math.max(tokens, 1));
  }

  private meanLoss(tokens: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
    const eval_ = { training: false, dropout: 0, seed: 0 };
    if (!this.head) return this.model.lmLoss(tokens, mask, eval_);
    const [B, T] = tokens.shape;
    const D = this.model.config.dModel;
    const h = this.model.hidden(tokens, { ...eval_, attentionMask: mask });
    const inputs = h.slice([0, 0, 0], [B, T - 1, D]).reshape([B * (T - 1), D]) as tf.Tensor2D;
    const logits = tf.matMul(inputs, this.head.kernel, false, this.head.tied).add(this.head.bias) as tf.Tensor2D;
    const targets = tokens.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]) as tf.Tensor1D;
    const weights = mask.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]);
    return crossEntropy(logits, targets).mul(weights).sum().div(weights.sum().maximum(1)) as tf.Scalar;
  }

  dispose(): void {
    for (const b of this.batches) tf.dispose([b.tokens, b.mask]);
    if (this.head) tf.dispose([this.head.kernel, this.head.bias]);
  }
}
