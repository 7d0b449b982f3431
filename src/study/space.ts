// The search space of a define-by-run study, discovered as trials suggest: each name keeps the one
// distribution it was first suggested with (a different range later is one clear error), and
// becomes a dimension of src/search/ (so random and TPE draw it as they draw a spec's) and an
// entry of the recorded spec's `parameters` (so the reporter shows the searched ranges).
import { InputError } from '../errors.js';
import type { ParameterEntry, Dimension } from '../search/space.js';
import type { ParamValue } from '../trial/types.js';

/** One suggest call's distribution: what a parameter's name is bound to for the whole study. */
export type Distribution =
  | { type: 'float'; low: number; high: number; log: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log: boolean; step: number }
  | { type: 'categorical'; choices: ParamValue[] };

export interface NumericOptions {
  /** Draw uniformly in log space (low > 0). */
  log?: boolean;
  /** Values low, low + step, …: low must be a multiple of step (a grid anchored at 0). */
  step?: number;
}

const show = (x: unknown): string => JSON.stringify(x) ?? String(x);

function describe(d: Distribution): string {
  if (d.type === 'categorical') return `categorical ${show(d.choices)}`;
  const extra = [d.log ? 'log' : '', d.step !== undefined && !(d.type === 'int' && d.step === 1) ? `step ${d.step}` : ''].filter(Boolean).join(', ');
  return `${d.type} [${d.low}, ${d.high}]${extra ? ` (${extra})` : ''}`;
}

/** Whether `x` is a whole multiple of `step` (float noise forgiven, as qRange does). */
function onGrid(x: number, step: number): boolean {
  return Math.abs(x / step - Math.round(x / step)) < 1e-9;
}

/** A checked distribution from a suggest call's arguments; InputError naming the call otherwise. */
export function numericDistribution(type: 'float' | 'int', name: string, low: number, high: number, opts: NumericOptions = {}): Distribution {
  const call = `suggest${type === 'int' ? 'Int' : 'Float'}(${show(name)})`;
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new InputError(`${call}: expected finite numbers low <= high, got ${show(low)}, ${show(high)}`);
  }
  if (type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) throw new InputError(`${call}: expected integer bounds, got ${low}, ${high}`);
  const log = opts.log ?? false;
  if (log && low <= 0) throw new InputError(`${call}: log needs low > 0, got ${low}`);
  const step = opts.step ?? (type === 'int' ? 1 : undefined);
  if (step !== undefined) {
    if (!(typeof step === 'number' && step > 0 && Number.isFinite(step)) || (type === 'int' && !Number.isInteger(step))) {
      throw new InputError(`${call}: step: expected a ${type === 'int' ? 'whole ' : ''}number > 0, got ${show(step)}`);
    }
    if (log && (type === 'float' || step !== 1)) throw new InputError(`${call}: give log or step, not both`);
    if (!onGrid(low, step)) throw new InputError(`${call}: low ${low} must be a multiple of step ${step} (values are multiples of step)`);
  }
  return type === 'int' ? { type, low, high, log, step: step ?? 1 } : { type, low, high, log, ...(step !== undefined ? { step } : {}) };
}

export function categoricalDistribution(name: string, choices: readonly ParamValue[]): Distribution {
  const ok = Array.isArray(choices) && choices.length > 0 && choices.every((c) => typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c)));
  if (!ok) throw new InputError(`suggestCategorical(${show(name)}): expected a non-empty list of numbers, strings or booleans, got ${show(choices)}`);
  return { type: 'categorical', choices: [...choices] };
}

function same(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The sampler's view of a distribution (src/search's dimension). A log int is drawn log-uniform, then rounded. */
export function dimensionOf(name: string, d: Distribution): Dimension {
  if (d.type === 'categorical') return { name, kind: 'choice', values: d.choices };
  if (d.log) return { name, kind: 'log_uniform', min: d.low, max: d.high };
  if (d.type === 'int' && d.step === 1) return { name, kind: 'int_uniform', min: d.low, max: d.high };
  if (d.step !== undefined) return { name, kind: 'q_uniform', min: d.low, max: d.high, q: d.step };
  return { name, kind: 'uniform', min: d.low, max: d.high };
}

/** The entry of the recorded spec's `parameters` (what the reporter reads as the searched range). */
export function parameterEntryOf(d: Distribution): ParameterEntry {
  const dim = dimensionOf('', d);
  switch (dim.kind) {
    case 'choice':
      return { values: dim.values };
    case 'q_uniform':
      return { distribution: 'q_uniform', min: dim.min, max: dim.max, q: dim.q };
    case 'fixed':
      return { value: dim.value };
    default:
      return { distribution: dim.kind, min: dim.min, max: dim.max };
  }
}

/** A value drawn for `d` as the user gets it: a log int rounded into its bounds. */
export function valueOf(d: Distribution, raw: ParamValue): ParamValue {
  if (d.type === 'int' && typeof raw === 'number') return Math.min(d.high, Math.max(d.low, Math.round(raw)));
  return raw;
}

/** Whether a recorded value (a retried trial's, a fixed one of ask) lies in `d`. */
export function contains(d: Distribution, v: ParamValue): boolean {
  if (d.type === 'categorical') return d.choices.some((c) => c === v);
  if (typeof v !== 'number' || v < d.low || v > d.high) return false;
  if (d.type === 'int' && !Number.isInteger(v)) return false;
  return d.step === undefined || onGrid(v, d.step);
}

/** The study's space: one distribution per name, in the order names were first suggested. */
export class SearchSpace {
  readonly #dists = new Map<string, Distribution>();

  constructor(recorded: Record<string, Distribution> = {}) {
    for (const [name, d] of Object.entries(recorded)) this.#dists.set(name, d);
  }

  get(name: string): Distribution | undefined {
    return this.#dists.get(name);
  }

  /**
   * Binds `name` to `d` (true when it is new). A name suggested before with another distribution
   * is an InputError naming both.
   */
  bind(name: string, d: Distribution): boolean {
    const known = this.#dists.get(name);
    if (known === undefined) {
      this.#dists.set(name, d);
      return true;
    }
    if (!same(known, d)) {
      throw new InputError(`parameter ${show(name)}: suggested as ${describe(d)} but earlier as ${describe(known)}; a parameter keeps one distribution for the whole study`);
    }
    return false;
  }

  /** Every distribution by name (recorded with the study, so a continued study keeps them). */
  toJSON(): Record<string, Distribution> {
    return Object.fromEntries(this.#dists);
  }

  /** The recorded spec's `parameters`. */
  parameters(): Record<string, ParameterEntry> {
    return Object.fromEntries([...this.#dists].map(([n, d]) => [n, parameterEntryOf(d)]));
  }
}
