// LoRA (Hu et al., 2021): each targeted weight product x·W becomes x·W + (alpha/rank)·(x·A)·B with
// the base W frozen, A [in, r] random and B [r, out] zero, so that the adapted model equals the base
// model exactly before the first step. The adapters hook into TransformerLM's weight products
// (model.setAdapter); merge() folds them into W for export (W + (alpha/rank)·A·B).
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import { mulberry32 } from '../rng.js';
import type { TransformerLM } from './model.js';
import { LORA_TARGETS, loraTargetsOf, type LoraConfig, type LoraTarget } from '../trial/lora.js';

/** A trial's `lora_targets` (the names live in trial/lora.ts), or the engine's input error. */
export function parseLoraTargets(value: unknown, field = 'params.lora_targets'): LoraTarget[] {
  const targets = loraTargetsOf(value);
  if (!targets) throw new InputError(`${field}: expected a comma-separated list of ${LORA_TARGETS.join(', ')} (or attention, mlp, all), got ${JSON.stringify(value)}`);
  return targets;
}

/** The LoRA settings of a trial's parameters (rank required, alpha defaults to the rank). */
export function loraConfigOf(params: Record<string, unknown>): LoraConfig {
  const rank = params.lora_rank;
  if (!(typeof rank === 'number' && Number.isInteger(rank) && rank >= 1)) {
    throw new InputError(`params.lora_rank: expected an integer >= 1, got ${JSON.stringify(rank)}`);
  }
  const alpha = params.lora_alpha ?? rank;
  if (!(typeof alpha === 'number' && alpha > 0 && Number.isFinite(alpha))) {
    throw new InputError(`params.lora_alpha: expected a number > 0, got ${JSON.stringify(alpha)}`);
  }
  return { rank, alpha, targets: parseLoraTargets(params.lora_targets) };
}

/** Which weight product a target adapts, and which columns of its output (q, k, v share qkv). */
function site(target: LoraTarget, block: number, d: number, dFF: number): { product: string; columns: [number, number]; inDim: number } {
  const p = `block${block}`;
  switch (target) {
    case 'q':
      return { product: `${p}/attn/qkv`, columns: [0, d], inDim: d };
    case 'k':
      return { product: `${p}/attn/qkv`, columns: [d, 2 * d], inDim: d };
    case 'v':
      return { product: `${p}/attn/qkv`, columns: [2 * d, 3 * d], inDim: d };
    case 'o':
      return { product: `${p}/attn/out`, columns: [0, d], inDim: d };
    case 'fc':
      return { product: `${p}/mlp/fc`, columns: [0, dFF], inDim: d };
    case 'proj':
      return { product: `${p}/mlp/proj`, columns: [0, d], inDim: dFF };
  }
}

interface Pair {
  target: LoraTarget;
  columns: [number, number];
  a: tf.Variable;
  b: tf.Variable;
}

let instances = 0;

/** The adapters of one model: created and attached together, disposed together. */
export class LoraAdapters {
  readonly scale: number;
  /** product name ("block0/attn/qkv") → its adapters, in column order. */
  private readonly sites = new Map<string, Pair[]>();

  constructor(
    private readonly model: TransformerLM,
    readonly config: LoraConfig,
    seed: number,
  ) {
    const { dModel: d, dFF, nLayers } = model.config;
    this.scale = config.alpha / config.rank;
    const rng = mulberry32(seed);
    const id = instances++;
    for (let block = 0; block < nLayers; block++) {
      for (const target of config.targets) {
        const s = site(target, block, d, dFF);
        const out = s.columns[1] - s.columns[0];
        // A: Kaiming-uniform as PEFT does (bound 1/sqrt(in)), from the seeded generator so that a
        // resumed trial rebuilds the same A before its checkpoint overwrites it; B: zero.
        const bound = 1 / Math.sqrt(s.inDim);
        const init = new Float32Array(s.inDim * config.rank).map(() => (2 * rng() - 1) * bound);
        const [a0, b0] = [tf.tensor2d(init, [s.inDim, config.rank]), tf.zeros([config.rank, out])];
        const pair: Pair = {
          target,
          columns: s.columns,
          a: tf.variable(a0, true, `lora${id}/block${block}/${target}/A`),
          b: tf.variable(b0, true, `lora${id}/block${block}/${target}/B`),
        };
        tf.dispose([a0, b0]);
        const list = this.sites.get(s.product) ?? [];
        list.push(pair);
        this.sites.set(s.product, list);
      }
    }
    for (const [product, pairs] of this.sites) {
      const width = this.outWidth(product);
      model.setAdapter(product, (x) => this.delta(x, pairs, width));
    }
  }

  /** Trainable adapter variables under logical names ("lora/block0/q/A"). */
  variables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [product, pairs] of this.sites) {
      const block = product.split('/')[0];
      for (const p of pairs) {
        out[`lora/${block}/${p.target}/A`] = p.a;
        out[`lora/${block}/${p.target}/B`] = p.b;
      }
    }
    return out;
  }

  /** Base kernels with the adapters folded in: W + scale·A·B, by kernel name ("block0/attn/qkv/kernel"). */
  merged(): Record<string, tf.Tensor2D> {
    const vars = this.model.namedVariables();
    const out: Record<string, tf.Tensor2D> = {};
    for (const [product, pairs] of this.sites) {
      const name = `${product}/kernel`;
      out[name] = tf.tidy(() => {
        const w = vars.get(name)! as tf.Tensor2D;
        const delta = this.columnsOf(pairs, w.shape[0], w.shape[1], (p) => tf.matMul(p.a, p.b).mul(this.scale) as tf.Tensor2D);
        return w.add(delta) as tf.Tensor2D;
      });
    }
    return out;
  }

  /** Detaches the adapters from the model and frees them. */
  dispose(): void {
    for (const [product, pairs] of this.sites) {
      this.model.setAdapter(product, undefined);
      for (const p of pairs) tf.dispose([p.a, p.b]);
    }
    this.sites.clear();
  }

  private outWidth(product: string): number {
    const { dModel: d, dFF } = this.model.config;
    if (product.endsWith('/attn/qkv')) return 3 * d;
    return product.endsWith('/mlp/fc') ? dFF : d;
  }

  /** scale·(x·A)·B per adapter, placed at its columns of the product's output (zeros elsewhere). */
  private delta(x: tf.Tensor2D, pairs: Pair[], width: number): tf.Tensor2D {
    const n = x.shape[0];
    // (x·A)·B: two thin products instead of x·(A·B), which would cost a full [in, out] product.
    return this.columnsOf(pairs, n, width, (p) => tf.matMul(tf.matMul(x, p.a), p.b).mul(this.scale) as tf.Tensor2D);
  }

  private columnsOf(pairs: Pair[], rows: number, width: number, part: (p: Pair) => tf.Tensor2D): tf.Tensor2D {
    if (pairs.length === 1 && pairs[0].columns[0] === 0 && pairs[0].columns[1] === width) return part(pairs[0]);
    const pieces: tf.Tensor2D[] = [];
    let at = 0;
    for (const p of pairs) {
      if (p.columns[0] > at) pieces.push(tf.zeros([rows, p.columns[0] - at]));
      pieces.push(part(p));
      at = p.columns[1];
    }
    if (at < width) pieces.push(tf.zeros([rows, width - at]));
    return tf.concat(pieces, 1);
  }
}
