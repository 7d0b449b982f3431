// Gradient accumulation (params.grad_accum): one optimizer step over N micro-batches of batch_size
// examples each, so that a trial that ran out of memory can keep its effective batch
// (batch_size × grad_accum) at half the memory. The step count stays optimizer steps.
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';

/** params.grad_accum: an integer >= 1 (absent: 1, one micro-batch a step). */
export function gradAccumOf(params: Readonly<Record<string, unknown>>): number {
  const v = params.grad_accum;
  if (v === undefined) return 1;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  throw new InputError(`params.grad_accum: expected an integer >= 1, got ${JSON.stringify(v)}`);
}

/**
 * Sums micro-batch gradients, each weighted by its share of the step's loss weight (examples, or
 * predicted tokens for a causal LM), so that the step's gradient is the one the whole effective
 * batch would give. Takes ownership of `next` (disposes it).
 */
export class GradientSum {
  #sum: Record<string, tf.Tensor> | undefined;
  #weight = 0;

  add(next: Record<string, tf.Tensor>, weight: number): void {
    const prev = this.#sum;
    this.#sum = tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const [name, g] of Object.entries(next)) out[name] = prev ? prev[name].add(g.mul(weight)) : g.mul(weight);
      return out;
    });
    if (prev) tf.dispose(Object.values(prev));
    tf.dispose(Object.values(next));
    this.#weight += weight;
  }

  /** The weighted mean gradient (the caller disposes it). */
  mean(): Record<string, tf.Tensor> {
    const sum = this.#sum ?? {};
    const w = Math.max(this.#weight, 1e-12);
    const out = tf.tidy(() => Object.fromEntries(Object.entries(sum).map(([n, g]) => [n, g.div(w)])));
    tf.dispose(Object.values(sum));
    this.#sum = undefined;
    this.#weight = 0;
    return out;
  }

  dispose(): void {
    if (this.#sum) tf.dispose(Object.values(this.#sum));
    this.#sum = undefined;
  }
}
