// Tree-structured Parzen Estimator (Bergstra et al. 2011; Optuna's TPESampler defaults,
// univariate): the first n_startup trials are random; after that, the finished trials are split
// into the best gamma(n) = min(ceil(0.1 n), 25) ("good") and the rest ("bad"), each dimension gets
// a Parzen estimator l(x) from the good and g(x) from the bad, and the value proposed is the one
// of n_candidates draws from l that maximizes l(x) / g(x).
//
// A proposal is a pure function of (space, seed, index, history in journal order): its random
// stream is Rng(deriveSeed(seed, 'tpe', index)), so a resumed sweep that rebuilds the history from
// the journal proposes exactly what the uninterrupted one would have.
import type { ParamValue, Params } from '../trial/types.js';
import { loss, resolveObjective, type Goal } from '../trial/objective.js';
import { sampleParams } from './random.js';
import { Rng, deriveSeed } from './rng.js';
import type { FinishedTrial, Sampler } from './sampler.js';
import { qRange, toSpace, type Dimension, type ParameterEntry } from './space.js';
import { CategoricalParzen, NumericParzen } from './tpe-parzen.js';

export interface TpeOptions {
  seed: number;
  goal: Goal;
  /** Random trials before the model is used (also: finished trials needed before it is used). */
  nStartup: number;
  /** Draws from l(x) scored per dimension (Optuna: 24). */
  nCandidates?: number;
}

/** Optuna's default gamma: the size of the "good" group for n finished trials. */
export function gamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The random draw of trial `index`: the index-th distinct draw of Rng(seed), exactly what a random
 * search of the same seed (expandTrials) plans at that index, so TPE's startup trials are the
 * ones the controller planned. A space too small for a new distinct point repeats the last draw.
 */
export function randomDraw(space: Dimension[], seed: number, index: number): Params {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  let params: Params = {};
  for (let drawn = 0; drawn <= index; drawn++) {
    for (let attempt = 0; attempt < 100; attempt++) {
      // sampleParams writes keys in space order, so equal points serialize equally.
      params = sampleParams(space, rng);
      const key = JSON.stringify(params);
      if (!seen.has(key)) {
        seen.add(key);
        break;
      }
    }
  }
  return params;
}

export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly nCandidates: number;

  constructor(private readonly space: Dimension[], private readonly opts: TpeOptions) {
    this.nCandidates = opts.nCandidates ?? 24;
    if (!Number.isInteger(opts.nStartup) || opts.nStartup < 1) throw new RangeError('tpe: n_startup_trials must be an integer >= 1');
    if (!Number.isInteger(this.nCandidates) || this.nCandidates < 1) throw new RangeError('tpe: n_candidates must be an integer >= 1');
  }

  propose(index: number, history: readonly FinishedTrial[]): Params {
    // Too few finished trials for a model (e.g. many slots still on their first trials): random.
    if (index < this.opts.nStartup || history.length < this.opts.nStartup) {
      return randomDraw(this.space, this.opts.seed, index);
    }
    const rng = new Rng(deriveSeed(this.opts.seed, 'tpe', index));
    // Rank by objective (stable: ties keep journal order); keep journal order inside each group,
    // which the observation weights read (older trials weigh less past 25).
    const ranked = history.map((h, i) => ({ i, loss: loss(h.objective, this.opts.goal) })).sort((a, b) => a.loss - b.loss || a.i - b.i);
    const nGood = gamma(history.length);
    const isGood = new Set(ranked.slice(0, nGood).map((r) => r.i));
    const good = history.filter((_, i) => isGood.has(i));
    const bad = history.filter((_, i) => !isGood.has(i));
    const params: Params = {};
    for (const d of this.space) params[d.name] = this.proposeDimension(d, good, bad, rng);
    return params;
  }

  private proposeDimension(d: Dimension, good: readonly FinishedTrial[], bad: readonly FinishedTrial[], rng: Rng): ParamValue {
    if (d.kind === 'fixed') return d.value;
    if (d.kind === 'choice') {
      const indexOf = (v: ParamValue | undefined) => d.values.findIndex((c) => c === v);
      const obs = (group: readonly FinishedTrial[]) => group.map((h) => indexOf(h.params[d.name])).filter((i) => i >= 0);
      const l = new CategoricalParzen(obs(good), d.values.length);
      const g = new CategoricalParzen(obs(bad), d.values.length);
      return d.values[this.best(() => l.sample(rng), l, g)];
    }
    const axis = numericAxis(d);
    const obs = (group: readonly FinishedTrial[]) =>
      group
        .map((h) => h.params[d.name])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (d.kind !== 'log_uniform' || v > 0))
        .map((v) => Math.min(axis.high, Math.max(axis.low, axis.to(v))));
    const l = new NumericParzen(obs(good), axis.low, axis.high, axis.step);
    const g = new NumericParzen(obs(bad), axis.low, axis.high, axis.step);
    return axis.from(this.best(() => l.sample(rng), l, g));
  }

  /** The candidate drawn from l with the largest log l(x) - log g(x); the first wins a tie. */
  private best(draw: () => number, l: { logPdf(x: number): number }, g: { logPdf(x: number): number }): number {
    let bestX = Number.NaN;
    let bestScore = -Infinity;
    for (let c = 0; c < this.nCandidates; c++) {
      const x = draw();
      const score = l.logPdf(x) - g.logPdf(x);
      if (Number.isNaN(bestX) || score > bestScore) {
        bestX = x;
        bestScore = score;
      }
    }
    return bestX;
  }
}

/** The space TPE models a numeric dimension in: log for log_uniform, the grid for ints and q. */
function numericAxis(d: Extract<Dimension, { min: number }>): { low: number; high: number; step: number; to(v: number): number; from(x: number): number } {
  switch (d.kind) {
    case 'log_uniform':
      return { low: Math.log(d.min), high: Math.log(d.max), step: 0, to: Math.log, from: (x) => Math.min(d.max, Math.max(d.min, Math.exp(x))) };
    case 'uniform':
      return { low: d.min, high: d.max, step: 0, to: (v) => v, from: (x) => x };
    case 'int_uniform':
      return { low: Math.ceil(d.min), high: Math.floor(d.max), step: 1, to: (v) => v, from: (x) => Math.round(x) };
    case 'q_uniform': {
      // Modelled on the multiplier k (value = k·q), so the grid step is exactly 1.
      const [first, last] = qRange(d.min, d.max, d.q);
      return { low: first, high: last, step: 1, to: (v) => Math.round(v / d.q), from: (x) => Number((Math.round(x) * d.q).toPrecision(12)) };
    }
  }
}

/** The part of a sweep spec TPE reads (structural, so the validated spec type fits). */
export interface TpeSpec {
  seed?: number;
  parameters: Record<string, ParameterEntry>;
  strategy?: { type: string; trials?: number; n_startup_trials?: number };
  objective?: { metric: string; goal?: Goal };
}

/** The TPE sampler of a `tpe` sweep. */
export function tpeSampler(spec: TpeSpec): TpeSampler {
  return new TpeSampler(toSpace(spec.parameters), {
    seed: spec.seed ?? 0,
    goal: resolveObjective(spec.objective).goal,
    nStartup: spec.strategy?.n_startup_trials ?? 5,
  });
}

/** The parameters of trial `index` of a `tpe` sweep, given the history so far. */
export function proposeNext(spec: TpeSpec, index: number, history: readonly FinishedTrial[]): Params {
  return tpeSampler(spec).propose(index, history);
}
