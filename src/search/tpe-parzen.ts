// The Parzen estimators of TPE (Bergstra et al. 2011), with Optuna's univariate defaults:
// a mixture of truncated normals, one kernel per observation plus a prior kernel at the middle of
// the range with sigma = the range; each kernel's sigma is the larger gap to its neighbours,
// clipped to [range / min(100, 1 + kernels), range] ("magic clip"). Discrete dimensions (ints,
// q_uniform) widen the range by half a step each side and score a value by the mass of its bin.
import type { Sfc32 } from '../rng.js';

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Complementary error function (Numerical Recipes erfcc; relative error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** P(lo < Z < hi) for a standard normal, accurate in either tail. */
function normMass(lo: number, hi: number): number {
  if (lo > 0) return normMass(-hi, -lo);
  return Math.max(0, normCdf(hi) - normCdf(lo));
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normInv(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) return -normInv(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** A draw of N(0,1) truncated to (lo, hi), by inverting the CDF on the side with more precision. */
function truncStdNormal(lo: number, hi: number, rng: Sfc32): number {
  if (lo > 0) return -truncStdNormal(-hi, -lo, rng);
  const pLo = normCdf(lo);
  const pHi = normCdf(hi);
  if (!(pHi > pLo)) return lo + (hi - lo) * rng.next();
  const z = normInv(pLo + (pHi - pLo) * rng.next());
  return Math.min(hi, Math.max(lo, z));
}

function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) m = Math.max(m, x);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Optuna's default_weights: equal below 25 observations, then a ramp down for the oldest ones. */
export function observationWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)));
  return [...ramp, ...Array.from({ length: 25 }, () => 1)];
}

/** A mixture of truncated normals on [low, high] (a numeric dimension, possibly in log space). */
export class NumericParzen {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly weights: number[];
  private readonly lo: number;
  private readonly hi: number;

  /** `step`: the grid step of a discrete dimension (0 for continuous). Observations in [low, high]. */
  constructor(observations: readonly number[], private readonly low: number, private readonly high: number, private readonly step: number) {
    const half = step / 2;
    this.lo = low - half;
    this.hi = high + half;
    const range = this.hi - this.lo;
    const priorMu = 0.5 * (low + high);
    const withPrior = [...observations, priorMu];
    const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a] - withPrior[b] || a - b);
    const sorted = [this.lo, ...order.map((i) => withPrior[i]), this.hi];
    const sortedSigmas = order.map((_, j) => Math.max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]));
    // consider_endpoints=False: the outermost kernels take the gap to their inner neighbour only.
    if (sorted.length >= 4) {
      sortedSigmas[0] = sorted[2] - sorted[1];
      sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
    }
    const sigmas = new Array<number>(withPrior.length);
    order.forEach((i, j) => (sigmas[i] = sortedSigmas[j]));
    const minSigma = range / Math.min(100, 1 + withPrior.length);
    this.mus = withPrior;
    this.sigmas = sigmas.map((s, i) => (i === withPrior.length - 1 ? range : Math.min(range, Math.max(minSigma, s))));
    const w = [...observationWeights(observations.length), 1];
    const total = w.reduce((a, b) => a + b, 0);
    this.weights = w.map((x) => x / total);
  }

  private pick(rng: Sfc32): number {
    let u = rng.next();
    for (let k = 0; k < this.weights.length - 1; k++) {
      u -= this.weights[k];
      if (u < 0) return k;
    }
    return this.weights.length - 1;
  }

  /** One draw; a discrete dimension's draw is snapped to its grid. */
  sample(rng: Sfc32): number {
    const k = this.pick(rng);
    const mu = this.mus[k];
    const sigma = this.sigmas[k];
    const x = mu + sigma * truncStdNormal((this.lo - mu) / sigma, (this.hi - mu) / sigma, rng);
    if (this.step === 0) return Math.min(this.high, Math.max(this.low, x));
    const snapped = this.low + Math.round((x - this.low) / this.step) * this.step;
    return Math.min(this.high, Math.max(this.low, snapped));
  }

  /**
   * Per kernel, what does not depend on x: the log of its weight, of its sigma, and of its mass
   * inside the range (three erfc calls a kernel, once per estimator rather than once per candidate
   * scored: a proposal at 3,000 trials spent most of its time there). Same values, same order of
   * operations as computing them in place.
   */
  #logs: { weight: Float64Array; sigma: Float64Array; mass: Float64Array } | undefined;

  logPdf(x: number): number {
    const n = this.mus.length;
    if (this.#logs === undefined) {
      const weight = new Float64Array(n);
      const sigma = new Float64Array(n);
      const mass = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const s = this.sigmas[k];
        weight[k] = Math.log(this.weights[k]);
        sigma[k] = Math.log(s);
        mass[k] = Math.log(normMass((this.lo - this.mus[k]) / s, (this.hi - this.mus[k]) / s));
      }
      this.#logs = { weight, sigma, mass };
    }
    const logs = this.#logs;
    const terms = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const mu = this.mus[k];
      const sigma = this.sigmas[k];
      if (this.step === 0) {
        const t = (x - mu) / sigma;
        terms[k] = logs.weight[k] - 0.5 * t * t - LOG_SQRT_2PI - logs.sigma[k] - logs.mass[k];
      } else {
        const h = this.step / 2;
        const bin = normMass((x - h - mu) / sigma, (x + h - mu) / sigma);
        terms[k] = logs.weight[k] + Math.log(bin) - logs.mass[k];
      }
    }
    return logSumExp(terms);
  }
}

/** A mixture over the indices of a choice dimension (Optuna's categorical estimator). */
export class CategoricalParzen {
  private readonly probs: number[];

  constructor(observations: readonly number[], n: number) {
    const kernels = observations.length + 1;
    const w = [...observationWeights(observations.length), 1];
    const total = w.reduce((a, b) => a + b, 0);
    const probs = new Array<number>(n).fill(0);
    // Each observation's kernel: its own index plus prior_weight / kernels spread over all.
    observations.forEach((obs, k) => {
      const norm = 1 + n / kernels;
      for (let c = 0; c < n; c++) probs[c] += (w[k] / total) * ((1 / kernels + (c === obs ? 1 : 0)) / norm);
    });
    for (let c = 0; c < n; c++) probs[c] += (w[kernels - 1] / total) / n;
    this.probs = probs;
  }

  sample(rng: Sfc32): number {
    let u = rng.next();
    for (let c = 0; c < this.probs.length - 1; c++) {
      u -= this.probs[c];
      if (u < 0) return c;
    }
    return this.probs.length - 1;
  }

  logPdf(c: number): number {
    return Math.log(this.probs[c]);
  }
}
