// AdamW (Adam with decoupled weight decay, Loshchilov & Hutter) written with tf ops, so that its
// state is a set of named tensors that a checkpoint stores and restores exactly.
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay, applied as var -= lr · weightDecay · var. */
  weightDecay?: number;
  /** Which variables decay; default: matrices only (rank ≥ 2), not biases or norm gains. */
  decays?: (name: string, v: tf.Variable) => boolean;
}

export interface AdamWState {
  step: number;
  /** "<var>/m" and "<var>/v" for each variable seen. */
  tensors: Record<string, tf.Tensor>;
}

export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly decays: (name: string, v: tf.Variable) => boolean;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  private steps = 0;

  constructor(opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.decays = opts.decays ?? ((_name, v) => v.rank >= 2);
  }

  /** Number of updates applied so far. */
  get step(): number {
    return this.steps;
  }

  /** One update of every variable that has a gradient (matched by name). Gradients stay the caller's. */
  apply(grads: Record<string, tf.Tensor>, vars: Record<string, tf.Variable>, lr: number): void {
    this.steps++;
    const t = this.steps;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const correction1 = 1 - b1 ** t;
    const correction2 = 1 - b2 ** t;
    tf.tidy(() => {
      for (const name of Object.keys(vars).sort()) {
        const g = grads[name];
        const variable = vars[name]!;
        if (!g) continue;
        const slot = this.slot(name, variable);
        const m = slot.m.mul(b1).add(g.mul(1 - b1));
        const v = slot.v.mul(b2).add(g.square().mul(1 - b2));
        slot.m.assign(m);
        slot.v.assign(v);
        let update = m.div(correction1).div(v.div(correction2).sqrt().add(epsilon));
        if (this.weightDecay > 0 && this.decays(name, variable)) update = update.add(variable.mul(this.weightDecay));
        variable.assign(variable.sub(update.mul(lr)));
      }
    });
  }

  /** The state as named tensors. They stay owned by the optimizer: save them, do not dispose them. */
  getState(): AdamWState {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, slot] of [...this.moments].sort(([a], [b]) => (a < b ? -1 : 1))) {
      tensors[`${name}/m`] = slot.m;
      tensors[`${name}/v`] = slot.v;
    }
    return { step: this.steps, tensors };
  }

  /** Restores a state from getState() (e.g. read from a checkpoint). Takes ownership of the tensors. */
  setState(state: AdamWState): void {
    this.disposeMoments();
    this.steps = state.step;
    const names = new Set(Object.keys(state.tensors).map((k) => k.replace(/\/[mv]$/, '')));
    for (const name of names) {
      const m = state.tensors[`${name}/m`];
      const v = state.tensors[`${name}/v`];
      if (!m || !v) throw new Error(`optimizer state for "${name}" lacks its m or v tensor`);
      this.moments.set(name, { m: tf.variable(m, false), v: tf.variable(v, false) });
    }
    for (const t of Object.values(state.tensors)) t.dispose();
  }

  dispose(): void {
    this.disposeMoments();
  }

  private slot(name: string, variable: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    let slot = this.moments.get(name);
    if (!slot) {
      slot = { m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) };
      this.moments.set(name, slot);
    }
    return slot;
  }

  private disposeMoments(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
