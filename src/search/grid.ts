// Grid search: every combination of the `value`/`values` of each dimension.
import type { ParamValue } from '../trial/types.js';
import type { Sampler } from './sampler.js';
import type { Dimension } from './space.js';

/** The number of grid points (the product of the value counts). */
export function gridSize(space: Dimension[]): number {
  return space.reduce((n, d) => n * gridValues(d).length, 1);
}

function gridValues(d: Dimension): ParamValue[] {
  if (d.kind === 'fixed') return [d.value];
  if (d.kind === 'choice') return d.values;
  throw new TypeError(`grid: parameter ${d.name} is a ${d.kind} distribution; grid takes only value/values`);
}

/**
 * The cartesian product in row-major order, like Python's itertools.product: the first dimension
 * (learning_rate) varies slowest, the last fastest; values keep the order written in the spec.
 */
export function* gridPoints(space: Dimension[]): Generator<Record<string, ParamValue>> {
  const axes = space.map((d) => ({ name: d.name, values: gridValues(d) }));
  if (axes.some((a) => a.values.length === 0)) return;
  const at = axes.map(() => 0);
  for (;;) {
    const point: Record<string, ParamValue> = {};
    axes.forEach((a, i) => (point[a.name] = a.values[at[i]!]!));
    yield point;
    let i = axes.length - 1;
    while (i >= 0 && ++at[i]! === axes[i]!.values.length) at[i--] = 0;
    if (i < 0) return;
  }
}

/** Grid search as a Sampler: trial `index` is the index-th point of the product. */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly #space: Dimension[];
  #points: Record<string, ParamValue>[] | undefined;

  constructor(space: Dimension[]) {
    this.#space = space;
  }

  propose(index: number): Record<string, ParamValue> {
    this.#points ??= [...gridPoints(this.#space)];
    const point = this.#points[index];
    if (!point) throw new RangeError(`grid: no trial ${index}; the grid has ${this.#points.length}`);
    return point;
  }
}
