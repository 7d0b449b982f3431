// The controller's first job: a validated spec in, the planned trials out. Pure: no file, clock or tfjs.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { canonicalJson } from '../spec/hash.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { ParamValue } from '../store/events.js';
import { gridPoints, gridSize } from '../search/grid.js';
import { sampleParams } from '../search/random.js';
import { Rng } from '../search/rng.js';
import { spaceSize, toSpace, type Dimension, type PlannedTrial } from '../search/space.js';

// TPE reuses random sampling for its startup trials and for candidates.
export { sampleParams };

/** Grids larger than this are refused unless --max-trials allows them. */
export const DEFAULT_MAX_TRIALS = 10_000;
/** Draws of one random trial before giving up on finding a point not drawn before. */
export const MAX_DRAW_ATTEMPTS = 100;

export interface ExpandOptions {
  /** Largest grid accepted (default 10,000). */
  maxTrials?: number;
}

/** The parameter space of a validated spec (see toSpace for its order). */
export function spaceOf(spec: ResolvedSpec): Dimension[] {
  return toSpace(spec.parameters);
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
 * The trials a spec runs. grid: the cartesian product (learning_rate slowest, see gridPoints).
 * random: `strategy.trials` distinct draws from Rng(seed). tpe: only its first n_startup_trials
 * random draws; the TPE sampler proposes the rest at run time from finished trials.
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
    return [...gridPoints(space)].map((params, index) => ({ id: trialId(index, size, params, false), index, params }));
  }
  const total = strategy.trials;
  if (total === undefined) throw new InputError(`/strategy/trials: required for strategy "${strategy.type}"`);
  const count = strategy.type === 'tpe' ? Math.min(strategy.n_startup_trials, total) : total;
  return drawDistinct(space, new Rng(spec.seed), count, total).map((params, index) => ({
    id: trialId(index, total, params, true),
    index,
    params,
  }));
}

/** `count` draws, each different from the ones before (a repeated point is drawn again). */
export function drawDistinct(space: Dimension[], rng: Rng, count: number, requested = count): Record<string, ParamValue>[] {
  const size = spaceSize(space);
  if (requested > size) {
    throw new InputError(
      `/strategy/trials: ${requested} trials requested but the parameter space has only ${size} distinct combinations`,
    );
  }
  const seen = new Set<string>();
  const out: Record<string, ParamValue>[] = [];
  while (out.length < count) {
    let attempts = 0;
    for (;;) {
      const params = sampleParams(space, rng);
      const key = canonicalJson(params);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(params);
        break;
      }
      if (++attempts >= MAX_DRAW_ATTEMPTS) {
        throw new InputError(
          `/strategy/trials: could not draw trial ${out.length + 1} of ${requested} distinct from the others in ` +
            `${MAX_DRAW_ATTEMPTS} attempts; the parameter space is too small (widen it or lower trials)`,
        );
      }
    }
  }
  return out;
}
