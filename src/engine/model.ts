// A small decoder-only transformer language model built from explicit, named tf.Variables (not
// tf.layers), so that freezing is simply choosing which variables go to the optimizer, and so that
// every op is one that trains on wasm: weight products are 2-D ([B·T, D] × [D, N], avoiding the
// broadcasting-matMul gradient bug), the embedding lookup is tf.gather (its gradient needs the
// UnsortedSegmentSum kernel from kernels.ts), and dropout is seeded so a resumed run is exact.
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../rng.js';

export interface ModelConfig {
  vocabSize: number;
  contextLength: number;
  dModel: number;
  nHeads: number;
  nLayers: number;
  /** Width of the feed-forward layer inside each block. */
  dFF: number;
  /** true: the LM head reuses the token embedding matrix; false: a separate [dModel, vocab] kernel. */
  tiedHead: boolean;
}

export interface ForwardOptions {
  training: boolean;
  dropout: number;
  seed: number;
  /** [B, T], 1 for real tokens, 0 for padding: padded keys get no attention. */
  attentionMask?: tf.Tensor2D;
}

/** Checks a config and returns the problems (empty when valid). */
export function configProblems(c: Partial<ModelConfig>): string[] {
  const problems: string[] = [];
  for (const key of ['vocabSize', 'contextLength', 'dModel', 'nHeads', 'nLayers', 'dFF'] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || (v as number) < 1) problems.push(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (typeof c.tiedHead !== 'boolean') problems.push(`tiedHead must be true or false, got ${JSON.stringify(c.tiedHead)}`);
  if (problems.length === 0 && c.dModel! % c.nHeads! !== 0) problems.push(`dModel (${c.dModel}) must be divisible by nHeads (${c.nHeads})`);
  return problems;
}

/** The variable names and shapes a config implies, in a fixed order (the weights file order). */
export function variableShapes(c: ModelConfig): Array<[string, number[]]> {
  const { vocabSize: V, contextLength: T, dModel: D, dFF: F } = c;
  const out: Array<[string, number[]]> = [
    ['embed/tokens', [V, D]],
    ['embed/positions', [T, D]],
  ];
  for (let i = 0; i < c.nLayers; i++) {
    const p = `block${i}`;
    out.push(
      [`${p}/ln1/gamma`, [D]],
      [`${p}/ln1/beta`, [D]],
      [`${p}/attn/qkv/kernel`, [D, 3 * D]],
      [`${p}/attn/qkv/bias`, [3 * D]],
      [`${p}/attn/out/kernel`, [D, D]],
      [`${p}/attn/out/bias`, [D]],
      [`${p}/ln2/gamma`, [D]],
      [`${p}/ln2/beta`, [D]],
      [`${p}/mlp/fc/kernel`, [D, F]],
      [`${p}/mlp/fc/bias`, [F]],
      [`${p}/mlp/proj/kernel`, [F, D]],
      [`${p}/mlp/proj/bias`, [D]],
    );
  }
  out.push(['final_norm/gamma', [D]], ['final_norm/beta', [D]]);
  if (!c.tiedHead) out.push(['lm_head/kernel', [D, V]]);
  out.push(['lm_head/bias', [V]]);
  return out;
}

let instances = 0;

/** An extra term added to one weight product's output: x [N, in] → [N, out] (LoRA, lora.ts). */
export type Adapter = (x: tf.Tensor2D) => tf.Tensor2D;

export class TransformerLM {
  readonly config: ModelConfig;
  private readonly vars = new Map<string, tf.Variable>();
  /** Product name ("block0/attn/qkv") → adapter added to x·W + b. */
  private readonly adapters = new Map<string, Adapter>();
  private disposed = false;

  private constructor(config: ModelConfig, values: Map<string, tf.Tensor>) {
    const problems = configProblems(config);
    if (problems.length) throw new Error(`invalid model config: ${problems.join('; ')}`);
    this.config = { ...config };
    // tf.Variable names are global to the engine: a per-instance prefix lets several models coexist.
    const prefix = `lm${instances++}`;
    for (const [name, shape] of variableShapes(config)) {
      const value = values.get(name);
      if (!value) throw new Error(`missing weight "${name}"`);
      if (!tf.util.arraysEqual(value.shape, shape)) {
        throw new Error(`weight "${name}" has shape [${value.shape}], expected [${shape}]`);
      }
      this.vars.set(name, tf.variable(value, true, `${prefix}/${name}`));
    }
  }

  /** A freshly initialised model; the same seed gives the same weights on every backend. */
  static create(config: ModelConfig, seed: number): TransformerLM {
    const rng = mulberry32(seed);
    const values = new Map<string, tf.Tensor>();
    // GPT-2 style: N(0, 0.02), residual projections scaled down by the depth, norms at 1 / 0.
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayers);
    for (const [name, shape] of variableShapes(config)) {
      const size = shape.reduce((a, b) => a * b, 1);
      let data: Float32Array;
      if (name.endsWith('/gamma')) data = new Float32Array(size).fill(1);
      else if (name.endsWith('/beta') || name.endsWith('/bias')) data = new Float32Array(size);
      else data = normals(rng, size, name.endsWith('out/kernel') || name.endsWith('proj/kernel') ? residualStd : 0.02);
      values.set(name, tf.tensor(data, shape, 'float32'));
    }
    try {
      return new TransformerLM(config, values);
    } finally {
      for (const t of values.values()) t.dispose();
    }
  }

  /** A model from named weights (they are copied; the caller keeps ownership of `weights`). */
  static fromWeights(config: ModelConfig, weights: Record<string, tf.Tensor>): TransformerLM {
    const expected = new Set(variableShapes(config).map(([n]) => n));
    const extra = Object.keys(weights).filter((n) => !expected.has(n));
    if (extra.length) throw new Error(`unexpected weight "${extra[0]}" for this config`);
    return new TransformerLM(config, new Map(Object.entries(weights)));
  }

  /** All variables under their logical names (e.g. "block0/attn/qkv/kernel"). */
  namedVariables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  embeddingVariables(): tf.Variable[] {
    return [this.v('embed/tokens'), this.v('embed/positions')];
  }

  blockVariables(i: number): tf.Variable[] {
    if (!Number.isInteger(i) || i < 0 || i >= this.config.nLayers) throw new Error(`no block ${i} (model has ${this.config.nLayers})`);
    return [...this.vars].filter(([n]) => n.startsWith(`block${i}/`)).map(([, v]) => v);
  }

  finalNormVariables(): tf.Variable[] {
    return [this.v('final_norm/gamma'), this.v('final_norm/beta')];
  }

  /** The LM head's own variables (with a tied head, only its bias: the kernel is the embedding). */
  lmHeadVariables(): tf.Variable[] {
    return this.config.tiedHead ? [this.v('lm_head/bias')] : [this.v('lm_head/kernel'), this.v('lm_head/bias')];
  }

  /** Hidden states after the final norm, [B, T, D]; causal (position t sees positions ≤ t). */
  hidden(tokens: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, T] = tokens.shape;
      const { dModel: D, contextLength } = this.config;
      if (T > contextLength) throw new Error(`sequence length ${T} exceeds the model's context of ${contextLength}`);
      const drop = opts.training && opts.dropout > 0 ? opts.dropout : 0;
      let site = 0;
      const dropout = (x: tf.Tensor2D): tf.Tensor2D => (drop > 0 ? (tf.dropout(x, drop, undefined, mix(opts.seed, site++)) as tf.Tensor2D) : x);

      const ids = tokens.dtype === 'int32' ? tokens.reshape([B * T]) : tokens.toInt().reshape([B * T]);
      const tok = tf.gather(this.v('embed/tokens'), ids) as tf.Tensor2D; // [B·T, D]
      const pos = this.v('embed/positions').slice([0, 0], [T, D]);
      let x = dropout(tok.reshape([B, T, D]).add(pos).reshape([B * T, D]) as tf.Tensor2D);

      // Additive attention bias: causal [T, T], plus padded keys when a mask is given.
      let bias: tf.Tensor = causalBias(T);
      if (opts.attentionMask) {
        const keys = tf.scalar(1).sub(opts.attentionMask.toFloat()).mul(-1e9).reshape([B, 1, 1, T]);
        bias = bias.reshape([1, 1, T, T]).add(keys);
      }
      for (let i = 0; i < this.config.nLayers; i++) {
        const p = `block${i}`;
        const a = this.attention(layerNorm(x, this.v(`${p}/ln1/gamma`), this.v(`${p}/ln1/beta`)), p, B, T, bias);
        x = x.add(dropout(a));
        const h = layerNorm(x, this.v(`${p}/ln2/gamma`), this.v(`${p}/ln2/beta`));
        const f = gelu(this.product(h, `${p}/mlp/fc`));
        x = x.add(dropout(this.product(f, `${p}/mlp/proj`)));
      }
      return layerNorm(x, this.v('final_norm/gamma'), this.v('final_norm/beta')).reshape([B, T, D]);
    });
  }

  /** Next-token logits for hidden states [N, D] → [N, V]. */
  lmLogits(hidden2d: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      // The bias rides in the product as one more input row ([h | 1] · [W ; b]): its gradient then
      // comes out of the weight product, where a separate add's gradient is a column sum over the
      // [N, V] logits, which wasm computes by transposing them (about as slow as the product itself).
      const [N] = hidden2d.shape;
      const x = tf.concat([hidden2d, tf.ones([N, 1])], 1);
      const bias = this.v('lm_head/bias');
      return this.config.tiedHead
        ? tf.matMul(x, tf.concat([this.v('embed/tokens'), bias.reshape([-1, 1])], 1), false, true)
        : tf.matMul(x, tf.concat([this.v('lm_head/kernel'), bias.reshape([1, -1])], 0));
    });
  }

  /** Mean next-token cross-entropy over the positions whose target is a real token (mask [B, T]). */
  lmLoss(tokens: tf.Tensor2D, mask: tf.Tensor2D, opts: Omit<ForwardOptions, 'attentionMask'>): tf.Scalar {
    return tf.tidy(() => {
      const [B, T] = tokens.shape;
      const D = this.config.dModel;
      if (T < 2) return tf.scalar(0);
      const h = this.hidden(tokens, { ...opts, attentionMask: mask });
      const inputs = h.slice([0, 0, 0], [B, T - 1, D]).reshape([B * (T - 1), D]) as tf.Tensor2D;
      const targets = tokens.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]).toInt() as tf.Tensor1D;
      const weights = mask.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]).toFloat();
      const nll = crossEntropy(this.lmLogits(inputs), targets);
      return nll.mul(weights).sum().div(weights.sum().maximum(1)) as tf.Scalar;
    });
  }

  /** Attaches (or, with undefined, removes) the adapter of a weight product such as "block0/attn/qkv". */
  setAdapter(product: string, adapter: Adapter | undefined): void {
    if (!this.vars.has(`${product}/kernel`)) throw new Error(`model has no weight product "${product}"`);
    if (adapter) this.adapters.set(product, adapter);
    else this.adapters.delete(product);
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.vars.values()) v.dispose();
    this.disposed = true;
  }

  private attention(x: tf.Tensor2D, p: string, B: number, T: number, bias: tf.Tensor): tf.Tensor2D {
    const D = this.config.dModel;
    const H = this.config.nHeads;
    const dh = D / H;
    const qkv = this.product(x, `${p}/attn/qkv`); // [B·T, 3D]
    // [B·T, 3D] → three [B·H, T, dh]. A 5-D transpose is slow on wasm; split + 4-D transposes are not.
    const [q, k, v] = tf.split(qkv, 3, 1).map((t) => t.reshape([B, T, H, dh]).transpose([0, 2, 1, 3]).reshape([B * H, T, dh]) as tf.Tensor3D) as [
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor3D,
    ];
    let scores: tf.Tensor = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dh)); // [B·H, T, T]
    scores = scores.reshape([B, H, T, T]).add(bias).reshape([B * H, T, T]);
    const context = tf.matMul(tf.softmax(scores), v); // [B·H, T, dh]
    const merged = context.reshape([B, H, T, dh]).transpose([0, 2, 1, 3]).reshape([B * T, D]) as tf.Tensor2D;
    return this.product(merged, `${p}/attn/out`);
  }

  /** x·W + b of a named product, plus its adapter's term when one is attached. */
  private product(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const y = dense(x, this.v(`${name}/kernel`), this.v(`${name}/bias`));
    const adapter = this.adapters.get(name);
    return adapter ? y.add(adapter(x)) : y;
  }

  private v(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`model has no variable "${name}"`);
    if (this.disposed) throw new Error('model was disposed');
    return v;
  }
}

/** Per-row cross-entropy of logits [N, V] against target ids [N]: −log softmax(x)[target].
 * A custom gradient, (softmax − one-hot)·dy, replaces autodiff through logSumExp, whose max-gradient
 * runs a broadcasting Equal over [N, V] that alone took about a second per step on wasm; the whole
 * loss is a handful of passes over the [N, V] logits, which dominate a small model's LM step. The
 * softmax kernel (vectorized on wasm) gives both the loss and the gradient: an Exp over the logits
 * costs five times as much. Where a target's probability underflows float32 (its logit ~87 below the
 * row's log-sum-exp), the loss falls back to logsumexp(x) − x[target], which stays finite. */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const [N, V] = logits.shape;
  const f = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const ids = targets.toInt();
    const probs = tf.softmax(x);
    const flat = tf.range(0, N, 1, 'int32').mul(tf.scalar(V, 'int32')).add(ids) as tf.Tensor1D;
    const picked = tf.gather(probs.reshape([N * V]), flat);
    const value = N > 0 && picked.min().dataSync()[0]! < 1e-30 ? logSumExpLoss(x, flat) : picked.log().neg();
    // Saved tensors outlive the caller's tidy; the gradient runs after it.
    save([probs, ids]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [p, t] = saved as [tf.Tensor2D, tf.Tensor1D];
      const scale = dy.reshape([N, 1]);
      // int32 oneHot then a cast: on wasm (4.22) oneHot with dtype 'float32' returns int bit patterns (1 → 1.4e-45).
      return p.mul(scale).sub(tf.oneHot(t, V).toFloat().mul(scale));
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Tensor1D;
}

/** logsumexp(x) − x[target] per row, with `flat` the targets' indices into x's N·V elements. */
function logSumExpLoss(x: tf.Tensor2D, flat: tf.Tensor1D): tf.Tensor1D {
  const [N, V] = x.shape;
  const max = x.max(1, true);
  const sums = x.sub(max).exp().sum(1, true);
  return sums.log().add(max).reshape([N]).sub(tf.gather(x.reshape([N * V]), flat)) as tf.Tensor1D;
}

function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.matMul(x, kernel as tf.Tensor2D).add(bias);
}

function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const mean = x.mean(-1, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(-1, true);
  return centered.mul(variance.add(1e-5).rsqrt()).mul(gamma).add(beta);
}

function gelu(x: tf.Tensor2D): tf.Tensor2D {
  // tanh approximation (GPT-2), 0.5·x·(1 + tanh(z)), written as the identical x·σ(2z): wasm's Sigmoid
  // is vectorized while its Tanh is about 15× slower, and the form needs fewer ops. z = √(2/π)·(x + 0.044715·x³).
  const z2 = x.square().mul(0.044715).add(1).mul(x).mul(2 * Math.sqrt(2 / Math.PI)); // x²: Pow's gradient is slow
  return x.mul(z2.sigmoid());
}

function causalBias(T: number): tf.Tensor2D {
  const data = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
  return tf.tensor2d(data, [T, T]);
}

function mix(seed: number, site: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (site + 1), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}


/** Normal(0, std) samples (Box–Muller), truncated at 2 std as is usual for transformer init. */
function normals(rng: () => number, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; ) {
    const u = 1 - rng();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    if (Math.abs(z) <= 2) out[i++] = z * std;
  }
  return out;
}
