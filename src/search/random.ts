// Random search: independent draws from each dimension with a seeded Rng.
import type { ParamValue } from '../trial/types.js';
import { InputError } from '../errors.js';
import { Rng } from './rng.js';
import type { Sampler } from './sampler.js';
import { qRange, spaceSize, type Dimension } from './space.js';

/** Draws of one random trial before giving up on finding a point not drawn before. */
export const MAX_DRAW_ATTEMPTS = 100;

/** Rounds away float noise (0.1 * 3 = 0.30000000000000004) so a q_uniform value reads as written. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** exp(log(x)) can land one ulp outside the range; the bounds are a promise to the trainer. */
function within(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

/** One value of one dimension. log_uniform is uniform in log space; ints are ints; q_uniform gives multiples of q. */
export function sampleDimension(d: Dimension, rng: Rng): ParamValue {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'choice':
      return d.values[rng.int(0, d.values.length - 1)]!;
    case 'uniform':
      return within(d.min + (d.max - d.min) * rng.next(), d.min, d.max);
    case 'log_uniform': {
      const lo = Math.log(d.min);
      return within(Math.exp(lo + (Math.log(d.max) - lo) * rng.next()), d.min, d.max);
    }
    case 'int_uniform':
      return rng.int(Math.ceil(d.min), Math.floor(d.max));
    case 'q_uniform': {
      const [first, last] = qRange(d.min, d.max, d.q);
      return clean(rng.int(first, last) * d.q);
    }
  }
}

/** One point of the space: a value for every dimension, drawn in the space's order. */
export function sampleParams(space: Dimension[], rng: Rng): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const d of space) params[d.name] = sampleDimension(d, rng);
  return params;
}

/**
 * Random search as a Sampler: trial `index` is the index-th distinct draw of Rng(seed) (a point
 * drawn before is drawn again), for a sweep of `total` trials.
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  readonly #space: Dimension[];
  readonly #rng: Rng;
  readonly #total: number;
  readonly #seen = new Set<string>();
  readonly #drawn: Record<string, ParamValue>[] = [];

  constructor(space: Dimension[], seed: number, total: number) {
    const size = spaceSize(space);
    if (total > size) {
      throw new InputError(`/strategy/trials: ${total} trials requested but the parameter space has only ${size} distinct combinations`);
    }
    this.#space = space;
    this.#rng = new Rng(seed);
    this.#total = total;
  }

  propose(index: number): Record<string, ParamValue> {
    while (this.#drawn.length <= index) this.#drawNext();
    return this.#drawn[index];
  }

  #drawNext(): void {
    for (let attempts = 1; ; attempts++) {
      const params = sampleParams(this.#space, this.#rng);
      // sampleParams writes keys in space order, so equal points serialize equally.
      const key = JSON.stringify(params);
      if (!this.#seen.has(key)) {
        this.#seen.add(key);
        this.#drawn.push(params);
        return;
      }
      if (attempts >= MAX_DRAW_ATTEMPTS) {
        throw new InputError(
          `/strategy/trials: could not draw trial ${this.#drawn.length + 1} of ${this.#total} distinct from the others in ` +
            `${MAX_DRAW_ATTEMPTS} attempts; the parameter space is too small (widen it or lower trials)`,
        );
      }
    }
  }
}
