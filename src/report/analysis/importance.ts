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
import type { ParamValue } from '../../trial/types.js';
import { mulberry32 } from '../../rng.js';

const IMPORTANCE_TREES = 16;
const IMPORTANCE_SAMPLE = 256;
/** Fewer trials than this say nothing about importance. */
const IMPORTANCE_MIN_TRIALS = 6;
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
  /** Trials in each tree's seeded bootstrap sample (IMPORTANCE_SAMPLE at most, said on the page). */
  sample: number;
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

/**
 * One CART regression tree on the sample rows `idx` (a bootstrap: indices may repeat); returns its
 * leaves as boxes. Each dimension's order of the sample is sorted once and split stably with its
 * node, so a node scans its rows in order without sorting again (O(D·n) a level, not O(D·n log n)).
 */
function growTree(X: Float64Array[], y: Float64Array, idx: number[], dims: Dim[]): Leaf[] {
  const leaves: Leaf[] = [];
  const D = dims.length;
  const m = idx.length;
  // The sample's own copy: row k of the tree is usable row idx[k].
  // (Plain loops: typed arrays' .from with a map function is slow in V8.)
  const xs = dims.map((_, d) => {
    const col = new Float64Array(m);
    for (let k = 0; k < m; k++) col[k] = X[d][idx[k]];
    return col;
  });
  const ys = new Float64Array(m);
  for (let k = 0; k < m; k++) ys[k] = y[idx[k]];
  const ord = xs.map((col) => {
    const o = new Int32Array(m);
    for (let k = 0; k < m; k++) o[k] = k;
    return o.sort((a, b) => col[a] - col[b]);
  });
  const goesLeft = new Uint8Array(m);
  const tmp = new Int32Array(m);
  // A node is the same rows at [s, e) of every ord[d], each part sorted by its dimension.
  const grow = (s: number, e: number, lo: Float64Array, hi: Float64Array, depth: number): void => {
    const n = e - s;
    const rows = ord[0];
    let sum = 0;
    for (let k = s; k < e; k++) sum += ys[rows[k]];
    const mean = sum / n;
    let bestD = -1;
    let bestAt = 0;
    let bestGain = 0;
    if (n >= 2 && depth < MAX_DEPTH) {
      let sse = 0;
      let sq = 0;
      for (let k = s; k < e; k++) {
        const v = ys[rows[k]];
        sse += (v - mean) ** 2;
        sq += v * v;
      }
      if (sse > 1e-12 * n) {
        for (let d = 0; d < D; d++) {
          const col = xs[d];
          const o = ord[d];
          let ls = 0;
          let lq = 0;
          let rs = sum;
          let rq = sq;
          for (let k = s; k < e - 1; k++) {
            const yi = ys[o[k]];
            ls += yi;
            lq += yi * yi;
            rs -= yi;
            rq -= yi * yi;
            const a = col[o[k]];
            const b = col[o[k + 1]];
            if (a === b) continue;
            const nl = k - s + 1;
            const nr = n - nl;
            const gain = sse - (lq - (ls * ls) / nl + (rq - (rs * rs) / nr));
            if (bestD < 0 || gain > bestGain) {
              bestD = d;
              bestAt = (a + b) / 2;
              bestGain = gain;
            }
          }
        }
      }
    }
    if (bestD < 0 || bestGain <= 1e-12) {
      leaves.push({ lo, hi, value: mean });
      return;
    }
    const split = xs[bestD];
    let nl = 0;
    for (let k = s; k < e; k++) {
      const r = rows[k];
      goesLeft[r] = split[r] < bestAt ? 1 : 0;
      nl += goesLeft[r];
    }
    // Stable partition of every order: the left rows first, each side still sorted.
    for (let d = 0; d < D; d++) {
      const o = ord[d];
      let l = s;
      let r = 0;
      for (let k = s; k < e; k++) {
        const i = o[k];
        if (goesLeft[i]) o[l++] = i;
        else tmp[r++] = i;
      }
      o.set(tmp.subarray(0, r), l);
    }
    const lhi = hi.slice();
    lhi[bestD] = bestAt;
    const rlo = lo.slice();
    rlo[bestD] = bestAt;
    grow(s, s + nl, lo, lhi, depth + 1);
    grow(s + nl, e, rlo, hi, depth + 1);
  };
  grow(0, m, Float64Array.from(dims, (d) => d.lo), Float64Array.from(dims, (d) => d.hi), 0);
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
function decompose(leaves: Leaf[], dims: Dim[], scratch: { grid: Float64Array }): { total: number; main: number[]; pair: number[][] } {
  const D = dims.length;
  const L = leaves.length;
  const width = dims.map((d) => d.hi - d.lo);
  // Per leaf and dimension (flat, leaf-major): its share of the dimension's width, and the interval
  // indices it spans between the tree's edges on that dimension.
  const frac = new Float64Array(L * D);
  const vol = new Float64Array(L);
  const E = dims.map((dim, d) => edges(leaves, d, dim));
  const span0 = new Int32Array(L * D);
  const span1 = new Int32Array(L * D);
  let mean = 0;
  for (let i = 0; i < L; i++) {
    const l = leaves[i];
    let v = 1;
    for (let d = 0; d < D; d++) {
      const f = (l.hi[d] - l.lo[d]) / width[d];
      frac[i * D + d] = f;
      v *= f;
      span0[i * D + d] = find(E[d], l.lo[d]);
      span1[i * D + d] = find(E[d], l.hi[d]);
    }
    vol[i] = v;
    mean += v * l.value;
  }
  let total = 0;
  for (let i = 0; i < L; i++) total += vol[i] * (leaves[i].value - mean) ** 2;
  // Main effects: m_d over the intervals of d, by a difference array of each leaf's weighted value.
  const marg: Float64Array[] = [];
  const main = dims.map((_, d) => {
    const n = E[d].length - 1;
    const diff = new Float64Array(n + 1);
    for (let i = 0; i < L; i++) {
      const f = frac[i * D + d];
      const w = f > 0 ? (vol[i] / f) * leaves[i].value : 0;
      diff[span0[i * D + d]] += w;
      diff[span1[i * D + d]] -= w;
    }
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
      const stride = nb + 1;
      // One grid reused across pairs and trees (fresh ones were ~100 MB of garbage a report).
      const size = (na + 1) * stride;
      if (scratch.grid.length < size) scratch.grid = new Float64Array(size);
      const diff = scratch.grid;
      diff.fill(0, 0, size);
      for (let i = 0; i < L; i++) {
        const f = frac[i * D + a] * frac[i * D + b];
        if (f <= 0) continue;
        const w = (vol[i] / f) * leaves[i].value;
        const a0 = span0[i * D + a];
        const a1 = span1[i * D + a];
        const b0 = span0[i * D + b];
        const b1 = span1[i * D + b];
        diff[a0 * stride + b0] += w;
        diff[a1 * stride + b0] -= w;
        diff[a0 * stride + b1] -= w;
        diff[a1 * stride + b1] += w;
      }
      // 2-D prefix sums give m_ab on each cell; the interaction is what m_a and m_b leave.
      for (let i = 0; i <= na; i++) {
        for (let j = 0; j <= nb; j++) {
          const k = i * stride + j;
          if (i > 0) diff[k] += diff[k - stride];
          if (j > 0) diff[k] += diff[k - 1];
          if (i > 0 && j > 0) diff[k] -= diff[k - stride - 1];
        }
      }
      let v = 0;
      const ma = marg[a];
      const mb = marg[b];
      const ea = E[a];
      const eb = E[b];
      for (let i = 0; i < na; i++) {
        const wi = (ea[i + 1] - ea[i]) / width[a];
        let row = 0;
        for (let j = 0; j < nb; j++) {
          const m = diff[i * stride + j];
          row += (eb[j + 1] - eb[j]) * (m - ma[i] - mb[j] + mean) ** 2;
        }
        v += (wi * row) / width[b];
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
  const X = dims.map((d) => {
    const col = new Float64Array(usable.length);
    for (let i = 0; i < usable.length; i++) col[i] = encode(d, usable[i].params[d.name]);
    return col;
  });
  const y = new Float64Array(usable.length);
  for (let i = 0; i < usable.length; i++) y[i] = usable[i].value;
  const random = rng(opts.seed ?? 1);
  const sum = { main: new Array(dims.length).fill(0), pair: dims.map(() => new Array(dims.length).fill(0)), trees: 0 };
  const m = Math.min(usable.length, IMPORTANCE_SAMPLE);
  const scratch = { grid: new Float64Array(0) };
  for (let t = 0; t < IMPORTANCE_TREES; t++) {
    const idx = Array.from({ length: m }, () => Math.floor(random() * usable.length));
    const { total, main, pair } = decompose(growTree(X, y, idx, dims), dims, scratch);
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
  return { method: 'fANOVA (random forest)', trials: usable.length, trees: sum.trees, sample: m, params, interactions: interactions.slice(0, 3) };
}
