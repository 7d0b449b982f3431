// Random search: independent draws from each dimension with a seeded Rng.
import type { ParamValue } from '../store/events.js';
import type { Rng } from './rng.js';
import { qRange, type Dimension } from './space.js';

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
