// Predictions of an exported model (exported.ts): class probabilities per text, or a causal LM's
// perplexity per text and a continuation. Tokenized, batched and pooled exactly as the fine-tune's
// validation pass was, so that predicting on the validation split reproduces its accuracy.
import * as tf from '@tensorflow/tfjs';
import type { FineTunedModel } from './exported.js';
import { mulberry32 } from '../rng.js';

/** Texts per forward pass: the fine-tune's evaluation batch, for identical numbers. */
const BATCH = 64;

export interface ClassPrediction {
  label: string;
  probabilities: Record<string, number>;
}

export interface PerplexityPrediction {
  perplexity: number;
  /** Predicted tokens the perplexity averages over. */
  tokens: number;
}

export function classify(m: FineTunedModel, texts: readonly string[], onBatch?: (done: number) => void): ClassPrediction[] {
  const { tokenizer, task, head, model } = m;
  if (!head || !task.labels) throw new Error('classify: not a classification model');
  const out: ClassPrediction[] = [];
  for (let i = 0; i < texts.length; i += BATCH) {
    const seqs = texts.slice(i, i + BATCH).map((t) => [tokenizer.bos, ...tokenizer.encode(t)].slice(0, task.maxLength));
    const width = Math.max(...seqs.map((s) => s.length));
    const ids = new Int32Array(seqs.length * width).fill(tokenizer.pad);
    seqs.forEach((s, b) => ids.set(s, b * width));
    const [probs, argmax] = tf.tidy(() => {
      const tokens = tf.tensor2d(ids, [seqs.length, width], 'int32');
      const pool = head.poolWeights(seqs.map((s) => s.length), width);
      const logits = head.logits(model.hidden(tokens, { training: false, dropout: 0, seed: 0 }), pool);
      // The label is the logits' argMax, exactly as the fine-tune's accuracy takes it.
      return [tf.softmax(logits), tf.argMax(logits, 1)];
    });
    const values = probs.dataSync();
    const picked = argmax.dataSync();
    tf.dispose([probs, argmax]);
    const C = task.labels.length;
    seqs.forEach((_, b) => {
      const row = Array.from(values.subarray(b * C, (b + 1) * C));
      const best = picked[b];
      out.push({ label: task.labels![best], probabilities: Object.fromEntries(task.labels!.map((l, c) => [l, row[c]])) });
    });
    onBatch?.(Math.min(i + BATCH, texts.length));
  }
  return out;
}

export function perplexities(m: FineTunedModel, texts: readonly string[], onBatch?: (done: number) => void): PerplexityPrediction[] {
  const { tokenizer, task, model } = m;
  return texts.map((text, i) => {
    const seq = [tokenizer.bos, ...tokenizer.encode(text), tokenizer.eos].slice(0, task.maxLength);
    const loss = tf.tidy(() => {
      const tokens = tf.tensor2d(Int32Array.from(seq), [1, seq.length], 'int32');
      return model.lmLoss(tokens, tf.onesLike(tokens).toFloat() as tf.Tensor2D, { training: false, dropout: 0, seed: 0 });
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    if ((i + 1) % BATCH === 0 || i + 1 === texts.length) onBatch?.(i + 1);
    return { perplexity: Math.exp(value), tokens: seq.length - 1 };
  });
}

/**
 * `n` more tokens after `prompt`: greedy at temperature 0, else sampled from softmax(logits / T)
 * with a seeded generator (the same seed, the same text). Stops early at EOS or the context's end.
 */
export function generate(m: FineTunedModel, prompt: string, n: number, temperature = 0, seed = 0): string {
  const { tokenizer, model } = m;
  const rng = mulberry32(seed);
  const seq = [tokenizer.bos, ...tokenizer.encode(prompt)];
  const start = seq.length;
  const T = model.config.contextLength;
  for (let k = 0; k < n; k++) {
    const window = seq.slice(-T);
    const logits = tf.tidy(() => {
      const h = model.hidden(tf.tensor2d(Int32Array.from(window), [1, window.length], 'int32'), { training: false, dropout: 0, seed: 0 });
      const last = h.slice([0, window.length - 1, 0], [1, 1, model.config.dModel]).reshape([1, model.config.dModel]) as tf.Tensor2D;
      return model.lmLogits(last);
    });
    const row = logits.dataSync();
    logits.dispose();
    let next = 0;
    if (temperature <= 0) {
      for (let v = 1; v < row.length; v++) if (row[v] > row[next]) next = v;
    } else {
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      const weights = Array.from(row, (x) => Math.exp((x - max) / temperature));
      let r = rng() * weights.reduce((a, b) => a + b, 0);
      next = weights.findIndex((w) => (r -= w) <= 0);
      if (next < 0) next = weights.length - 1;
    }
    if (next === tokenizer.eos) break;
    seq.push(next);
  }
  return tokenizer.decode(seq.slice(start));
}
