// The controller's first job: a validated spec in, its sampler and the trials planned up front
// out. Pure: no file, clock or trainer.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { GridSampler, gridSize } from '../search/grid.js';
import { RandomSampler } from '../search/random.js';
import type { Sampler } from '../search/sampler.js';
import { toSpace, type Dimension } from '../search/space.js';
import type { PlannedTrial } from '../trial/types.js';
import { tpeSampler } from '../search/tpe.js';
import { canonicalJson } from '../spec/hash.js';
import type { ResolvedSpec, StrategyType } from '../spec/types.js';
import type { ParamValue } from '../trial/types.js';

/** Grids larger than this are refused unless --max-trials allows them. */
export const DEFAULT_MAX_TRIALS = 10_000;

export interface ExpandOptions {
  /** Largest grid accepted (default 10,000). */
  maxTrials?: number;
}

/** The parameter space of a validated spec (see toSpace for its order). */
export function spaceOf(spec: ResolvedSpec): Dimension[] {
  return toSpace(spec.parameters);
}

interface Strategy {
  sampler(spec: ResolvedSpec): Sampler;
  /**
   * For a strategy that proposes trials at run time from the finished ones (tpe): how many of its
   * trials are planned before any result. Absent: every trial is planned up front.
   */
  startup?(spec: ResolvedSpec): number;
}

/** Each strategy: a new one is one file in search/ plus one line here. */
const STRATEGIES: Record<StrategyType, Strategy> = {
  grid: { sampler: (spec) => new GridSampler(spaceOf(spec)) },
  random: { sampler: (spec) => new RandomSampler(spaceOf(spec), spec.seed, spec.strategy.trials ?? 0) },
  tpe: { sampler: (spec) => tpeSampler(spec), startup: (spec) => (spec.strategy.type === 'tpe' ? spec.strategy.n_startup_trials : 0) },
};

/** The sampler the run loop asks for every trial past those planned up front. */
export function samplerOf(spec: ResolvedSpec): Sampler {
  return STRATEGIES[spec.strategy.type].sampler(spec);
}

/** Whether the spec's strategy proposes trials at run time beyond those it plans up front. */
export function proposesAtRunTime(spec: ResolvedSpec): boolean {
  return STRATEGIES[spec.strategy.type].startup !== undefined;
}

/**
 * A trial id: `t` + the zero-padded index + 8 hex digits of sha256 over the parameters (and, for
 * random draws, the index). Re-expanding the same spec gives the same ids, so a resume finds them.
 */
export function trialId(index: number, total: number, params: Record<string, ParamValue>, withIndex: boolean): string {
  const width = Math.max(3, String(Math.max(0, total - 1)).length);
  const digest = createHash('sha256')
    .update(canonicalJson(withIndex ? { index, params } : params))
    .digest('hex')
    .slice(0, 8);
  return `t${String(index).padStart(width, '0')}-${digest}`;
}

/**
 * The trials a spec plans before any result. grid: the cartesian product (learning_rate slowest,
 * see gridPoints). random: `strategy.trials` distinct draws from Sfc32(seed). tpe: only its first
 * n_startup_trials, the same random draws; the TPE sampler proposes the rest at run time from
 * finished trials.
 */
export function expandTrials(spec: ResolvedSpec, opts: ExpandOptions = {}): PlannedTrial[] {
  const space = spaceOf(spec);
  const strategy = spec.strategy;
  if (strategy.type === 'grid') {
    const size = gridSize(space);
    const limit = opts.maxTrials ?? DEFAULT_MAX_TRIALS;
    if (size > limit) {
      throw new InputError(
        `/parameters: the grid has ${size.toLocaleString('en-US')} trials, more than the limit of ` +
          `${limit.toLocaleString('en-US')}; pass --max-trials ${size} to run it anyway, or use strategy "random"`,
      );
    }
    return plan(new GridSampler(space), size, size, false);
  }
  const total = strategy.trials;
  if (total === undefined) throw new InputError(`/strategy/trials: required for strategy "${strategy.type}"`);
  const startup = STRATEGIES[strategy.type].startup?.(spec);
  const count = startup === undefined ? total : Math.min(startup, total);
  return plan(new RandomSampler(space, spec.seed, total), count, total, true);
}

function plan(sampler: Sampler, count: number, total: number, withIndex: boolean): PlannedTrial[] {
  return Array.from({ length: count }, (_, index) => {
    const params = sampler.propose(index, []);
    return { id: trialId(index, total, params, withIndex), index, params };
  });
}
