// The parameter space of a sweep: one dimension per parameter of the spec.
import type { ParamValue } from '../trial/types.js';

export type Dimension =
  | { name: string; kind: 'fixed'; value: ParamValue }
  | { name: string; kind: 'choice'; values: ParamValue[] }
  | { name: string; kind: 'uniform' | 'log_uniform'; min: number; max: number }
  | { name: string; kind: 'int_uniform'; min: number; max: number }
  | { name: string; kind: 'q_uniform'; min: number; max: number; q: number };

/** A trial the controller will run: a stable id, its position, its parameters. */
export interface PlannedTrial {
  id: string;
  index: number;
  params: Record<string, ParamValue>;
}

/** The parameters that every trainer knows, in the order the space (and a grid) lists them first. */
export const LEADING_PARAMETERS = ['learning_rate', 'batch_size', 'epochs'] as const;

/** One `parameters` entry of a validated spec (structurally the schema's `parameter` definition). */
export interface ParameterEntry {
  value?: ParamValue;
  values?: ParamValue[];
  distribution?: 'uniform' | 'log_uniform' | 'int_uniform' | 'q_uniform';
  min?: number;
  max?: number;
  q?: number;
}

/** Compares by UTF-16 code units, so the order does not depend on the machine's locale. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The dimensions of a validated spec's `parameters`, in a fixed order: learning_rate, batch_size,
 * epochs, then every other parameter by name (code-unit order). The order of keys in the file does
 * not matter, so reordering a spec keeps its trials and their ids.
 */
export function toSpace(parameters: Record<string, ParameterEntry>): Dimension[] {
  const lead: string[] = LEADING_PARAMETERS.filter((n) => n in parameters);
  const rest = Object.keys(parameters)
    .filter((n) => !lead.includes(n))
    .sort(byCodeUnit);
  return [...lead, ...rest].map((name) => toDimension(name, parameters[name]!));
}

function toDimension(name: string, p: ParameterEntry): Dimension {
  if (p.values !== undefined) return { name, kind: 'choice', values: [...p.values] };
  if (p.value !== undefined) return { name, kind: 'fixed', value: p.value };
  const { distribution, min, max, q } = p;
  if (distribution === undefined || min === undefined || max === undefined) {
    throw new TypeError(`parameter ${name}: needs value, values, or a distribution with min and max`);
  }
  if (distribution === 'q_uniform') {
    if (q === undefined) throw new TypeError(`parameter ${name}: q_uniform needs q`);
    return { name, kind: 'q_uniform', min, max, q };
  }
  return { name, kind: distribution, min, max };
}

/** The multiples of q inside [min, max], as integer multipliers [first, last] (first > last: none). */
export function qRange(min: number, max: number, q: number): [number, number] {
  // The epsilon forgives float noise such as 0.3 / 0.1 = 2.9999999999999996.
  return [Math.ceil(min / q - 1e-9), Math.floor(max / q + 1e-9)];
}

/** How many distinct values a dimension has (Infinity for a continuous one). */
export function dimensionSize(d: Dimension): number {
  switch (d.kind) {
    case 'fixed':
      return 1;
    case 'choice':
      return d.values.length;
    case 'int_uniform':
      return Math.max(0, Math.floor(d.max) - Math.ceil(d.min) + 1);
    case 'q_uniform': {
      const [first, last] = qRange(d.min, d.max, d.q);
      return Math.max(0, last - first + 1);
    }
    default:
      return d.max > d.min ? Infinity : 1;
  }
}

/** The number of distinct points of the space (Infinity when a dimension is continuous). */
export function spaceSize(space: Dimension[]): number {
  return space.reduce((n, d) => n * dimensionSize(d), 1);
}
