// The parameter space of a sweep: one dimension per parameter of the spec.
import type { ParamValue } from '../store/events.js';

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
