// Parameter importance: which parameters explain the objective. Pure: no I/O.
//
// Method: functional ANOVA on a random forest — fANOVA, Hutter, Hoos & Leyton-Brown, "An Efficient
// Approach for Assessing Hyperparameter Importance", ICML 2014 — as Optuna's
// `FanovaImportanceEvaluator` does it (optuna/importance/_fanova: a random forest of regression
// trees fit to (parameters → objective), each tree's variance decomposed exactly over its leaves).
// A parameter's importance is the share of the objective's variance its main effect explains,
// averaged over the trees (not normalised to sum to 1: what is left is interactions and noise); a
// pair's is the share explained by the two together beyond their own main effects.
//
// Parameters are modelled as Optuna models them: a log-scale parameter (the learning rate, a
// log_uniform one) in log space, a categorical one as codes each given the same width. The forest
// (IMPORTANCE_TREES trees on bootstrap samples of at most IMPORTANCE_SAMPLE trials, seeded) keeps a
// 10,000-trial report within its time budget.
import type { ParamValue } from '../trial/types.js';
import { mulberry32 } from '../rng.js';

export const IMPORTANCE_TREES = 16;
export const IMPORTANCE_SAMPLE = 256;
/** Fewer trials than this say nothing about importance. */
export const IMPORTANCE_MIN_TRIALS = 6;
const MAX_DEPTH = 16;

export interface ImportanceInput {
  params: Record<string, ParamValue | undefined>;
  value: number;
}

export interface ParameterImportance {
  name: string;
  /** Share of the objective's variance its main effect explains (0..1). */
  importance: number;
}

export interface Importance {
  method: 'fANOVA (random forest)';
  trials: number;
  trees: number;
  params: ParameterImportance[];
  /** Pairs whose interaction explains at least 5 % of the variance, largest first. */
  interactions: Array<{ params: [string, string]; importance: number }>;
}

interface Dim {
  name: string;
  categorical: boolean;
  log: boolean;
  codes?: Map<string, number>;
  lo: number;
  hi: number;
}

interface Leaf {
  lo: Float64Array;
  hi: Float64Array;
  value: number;
}

// The seeded generator of src/rng.ts: the same seed gives the same forest (or sweep).
const rng = mulberry32;

function dimsOf(rows: readonly ImportanceInput[], names: readonly string[], logScale: (name: string) => boolean): Dim[] {
  const dims: Dim[] = [];
  for (const name of names) {
    const vs = rows.map((r) => r.params[name]);
    const numeric = vs.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (numeric) {
      const nums = vs as number[];
      const log = logScale(name) && nums.every((v) => v > 0);
      const t = log ? nums.map(Math.log) : nums;
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of t) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (hi > lo) dims.push({ name, categorical: false, log, lo, hi });
    } else {
      const labels = [...new Set(vs.map((v) => String(v)))].sort();
      if (labels.length > 1) dims.push({ name, categorical: true, log: false, codes: new Map(labels.map((l, i) => [l, i])), lo: 0, hi: labels.length });
    }
  }
  return dims;
}

function encode(d: Dim, v: ParamValue | undefined): number {
  if (d.categorical) return (d.codes!.get(String(v)) ?? 0) + 0.5;
  const x = v as number;
  return d.log ? Math.log(x) : x;
}

/** One CART regression tree on the sample rows `idx`; returns its leaves as boxes. */
function growTree(X: Float64Array[], y: Float64Array, idx: number[], dims: Dim[]): Leaf[] {
  const leaves: Leaf[] = [];
  const D = dims.length;
  const grow = (rows: number[], lo: Float64Array, hi: Float64Array, depth: number): void => {
    let sum = 0;
    for (const i of rows) sum += y[i];
    const mean = sum / rows.length;
    let best: { d: number; at: number; gain: number; left: number[]; right: number[] } | undefined;
    if (rows.length >= 2 && depth < MAX_DEPTH) {
      let sse = 0;
      for (const i of rows) sse += (y[i] - mean) ** 2;
      if (sse > 1e-12 * rows.length) {
        for (let d = 0; d < D; d++) {
          const col = X[d];
          const sorted = rows.slice().sort((a, b) => col[a] - col[b]);
          let ls = 0;
          let lq = 0;
          let rs = sum;
          let rq = 0;
          for (const i of sorted) rq += y[i] * y[i];
          for (let k = 0; k < sorted.length - 1; k++) {
            const yi = y[sorted[k]];
            ls += yi;
            lq += yi * yi;
            rs -= yi;
            rq -= yi * yi;
            const a = col[sorted[k]];
            const b = col[sorted[k + 1]];
            if (a === b) continue;
            const nl = k + 1;
            const nr = sorted.length - nl;
            const cost = lq - (ls * ls) / nl + (rq - (rs * rs) / nr);
            const gain = sse - cost;
            if (!best || gain > best.gain) best = { d, at: (a + b) / 2, gain, left: [], right: [] };
          }
        }
      }
    }
    if (!best || best.gain <= 1e-12) {
      leaves.push({ lo, hi, value: mean });
      return;
    }
    const left: number[] = [];
    const right: number[] = [];
    for (const i of rows) (X[best.d][i] < best.at ? left : right).push(i);
    const lhi = hi.slice();
    lhi[best.d] = best.at;
    const rlo = lo.slice();
    rlo[best.d] = best.at;
    grow(left, lo, lhi, depth + 1);
    grow(right, rlo, hi, depth + 1);
  };
  grow(idx, Float64Array.from(dims, (d) => d.lo), Float64Array.from(dims, (d) => d.hi), 0);
  return leaves;
}

/** The interval edges of the tree's splits on one dimension. */
function edges(leaves: Leaf[], d: number, dim: Dim): number[] {
  const s = new Set<number>([dim.lo, dim.hi]);
  for (const l of leaves) {
    s.add(l.lo[d]);
    s.add(l.hi[d]);
  }
  return [...s].sort((a, b) => a - b);
}

const find = (xs: number[], x: number): number => {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** fANOVA of one tree: total variance, main-effect variances, and pairwise interaction variances. */
function decompose(leaves: Leaf[], dims: Dim[]): { total: number; main: number[]; pair: number[][] } {
  const D = dims.length;
  const width = dims.map((d) => d.hi - d.lo);
  const frac = leaves.map((l) => Array.from({ length: D }, (_, d) => (l.hi[d] - l.lo[d]) / width[d]));
  const vol = frac.map((f) => f.reduce((p, x) => p * x, 1));
  let mean = 0;
  leaves.forEach((l, i) => (mean += vol[i] * l.value));
  let total = 0;
  leaves.forEach((l, i) => (total += vol[i] * (l.value - mean) ** 2));
  const E = dims.map((dim, d) => edges(leaves, d, dim));
  const span = leaves.map((l) => dims.map((_, d) => [find(E[d], l.lo[d]), find(E[d], l.hi[d])] as const));
  // Main effects: m_d over the intervals of d, by a difference array of each leaf's weighted value.
  const marg: Float64Array[] = [];
  const main = dims.map((_, d) => {
    const n = E[d].length - 1;
    const diff = new Float64Array(n + 1);
    leaves.forEach((l, i) => {
      const w = frac[i][d] > 0 ? (vol[i] / frac[i][d]) * l.value : 0;
      diff[span[i][d][0]] += w;
      diff[span[i][d][1]] -= w;
    });
    const m = new Float64Array(n);
    let acc = 0;
    let v = 0;
    for (let k = 0; k < n; k++) {
      acc += diff[k];
      m[k] = acc;
      v += ((E[d][k + 1] - E[d][k]) / width[d]) * (acc - mean) ** 2;
    }
    marg.push(m);
    return v;
  });
  const pair: number[][] = dims.map(() => new Array(D).fill(0));
  for (let a = 0; a < D; a++) {
    for (let b = a + 1; b < D; b++) {
      const na = E[a].length - 1;
      const nb = E[b].length - 1;
      const diff = new Float64Array((na + 1) * (nb + 1));
      leaves.forEach((l, i) => {
        const f = frac[i][a] * frac[i][b];
        if (f <= 0) return;
        const w = (vol[i] / f) * l.value;
        const [a0, a1] = span[i][a];
        const [b0, b1] = span[i][b];
        diff[a0 * (nb + 1) + b0] += w;
        diff[a1 * (nb + 1) + b0] -= w;
        diff[a0 * (nb + 1) + b1] -= w;
        diff[a1 * (nb + 1) + b1] += w;
      });
      // 2-D prefix sums give m_ab on each cell; the interaction is what m_a and m_b leave.
      let v = 0;
      for (let i = 0; i <= na; i++) {
        for (let j = 0; j <= nb; j++) {
          const k = i * (nb + 1) + j;
          if (i > 0) diff[k] += diff[k - (nb + 1)];
          if (j > 0) diff[k] += diff[k - 1];
          if (i > 0 && j > 0) diff[k] -= diff[k - (nb + 1) - 1];
        }
      }
      for (let i = 0; i < na; i++) {
        const wi = (E[a][i + 1] - E[a][i]) / width[a];
        for (let j = 0; j < nb; j++) {
          const wj = (E[b][j + 1] - E[b][j]) / width[b];
          const m = diff[i * (nb + 1) + j];
          v += wi * wj * (m - marg[a][i] - marg[b][j] + mean) ** 2;
        }
      }
      pair[a][b] = pair[b][a] = v;
    }
  }
  return { total, main, pair };
}

/**
 * fANOVA importance of `names` over the trials in `rows` (their objective in `value`); undefined with
 * fewer than IMPORTANCE_MIN_TRIALS trials or no parameter that varies.
 */
export function parameterImportance(rows: readonly ImportanceInput[], names: readonly string[], opts: { logScale?: (name: string) => boolean; seed?: number } = {}): Importance | undefined {
  const usable = rows.filter((r) => Number.isFinite(r.value));
  if (usable.length < IMPORTANCE_MIN_TRIALS) return undefined;
  const dims = dimsOf(usable, names, opts.logScale ?? ((n) => n === 'learning_rate'));
  if (dims.length === 0) return undefined;
  const X = dims.map((d) => Float64Array.from(usable, (r) => encode(d, r.params[d.name])));
  const y = Float64Array.from(usable, (r) => r.value);
  const random = rng(opts.seed ?? 1);
  const sum = { main: new Array(dims.length).fill(0), pair: dims.map(() => new Array(dims.length).fill(0)), trees: 0 };
  const m = Math.min(usable.length, IMPORTANCE_SAMPLE);
  for (let t = 0; t < IMPORTANCE_TREES; t++) {
    const idx = Array.from({ length: m }, () => Math.floor(random() * usable.length));
    const { total, main, pair } = decompose(growTree(X, y, idx, dims), dims);
    if (!(total > 0)) continue;
    sum.trees++;
    main.forEach((v, d) => (sum.main[d] += v / total));
    pair.forEach((row, a) => row.forEach((v, b) => (sum.pair[a][b] += v / total)));
  }
  const n = Math.max(1, sum.trees);
  const clip = (x: number): number => Math.min(1, Math.max(0, x));
  const params = dims.map((d, i) => ({ name: d.name, importance: clip(sum.main[i] / n) })).sort((a, b) => b.importance - a.importance);
  const interactions: Importance['interactions'] = [];
  for (let a = 0; a < dims.length; a++) {
    for (let b = a + 1; b < dims.length; b++) {
      const v = clip(sum.pair[a][b] / n);
      if (v >= 0.05) interactions.push({ params: [dims[a].name, dims[b].name], importance: v });
    }
  }
  interactions.sort((p, q) => q.importance - p.importance);
  return { method: 'fANOVA (random forest)', trials: usable.length, trees: sum.trees, params, interactions: interactions.slice(0, 3) };
}
