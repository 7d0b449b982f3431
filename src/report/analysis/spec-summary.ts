// The spec as the reporter reads it (SpecSummary), read defensively: the reporter is handed the spec
// as stored on disk (possibly by an older version), so every field falls back to the schema default.
import { objectiveOfSpec, objectivesOfSpec } from '../../spec/stored-objective.js';
import { sweepSchema, type Objective, type ObjectiveTerm } from '../../spec/types.js';
import type { ParamValue } from '../../trial/types.js';

/** Diagnosis thresholds (schema/sweep.schema.json `diagnosis`). */
export interface Thresholds {
  overfit_rise: number;
  overfit_gap: number;
  underfit_ratio: number;
  improving_slope: number;
  improving_window: number;
  forgetting_rise: number;
  diverge_ratio: number;
  diverge_rise: number;
}

// The defaults come from the schema itself, so the two cannot drift apart.
const diagnosisSchema = sweepSchema.properties.diagnosis.properties;
export const DEFAULT_THRESHOLDS: Thresholds = {
  overfit_rise: diagnosisSchema.overfit_rise.default,
  overfit_gap: diagnosisSchema.overfit_gap.default,
  underfit_ratio: diagnosisSchema.underfit_ratio.default,
  improving_slope: diagnosisSchema.improving_slope.default,
  improving_window: diagnosisSchema.improving_window.default,
  forgetting_rise: diagnosisSchema.forgetting_rise.default,
  diverge_ratio: diagnosisSchema.diverge_ratio.default,
  diverge_rise: diagnosisSchema.diverge_rise.default,
};

/** The range searched for one numeric parameter. */
export interface SearchedRange {
  name: string;
  min: number;
  max: number;
  /** `values`: a list (an edge is the list's min or max); otherwise a distribution. */
  kind: 'values' | 'distribution';
  log: boolean;
}

/** One parameter as the spec declares it. */
export interface ParameterView {
  name: string;
  /** More than one value can be tried. */
  swept: boolean;
  values?: ParamValue[];
  range?: SearchedRange;
}

export interface SpecSummary {
  name?: string;
  description?: string;
  taskType?: 'classification' | 'causal-lm';
  objective: Objective;
  /** Both metrics of a two-metric objective (ranked by Pareto rank); undefined for one metric. */
  objectives?: [ObjectiveTerm, ObjectiveTerm];
  /** `task.method` (the built-in trainers' default `full`); undefined for a command trainer. */
  method?: string;
  /** `task.forgetting` (default on). */
  forgetting: boolean;
  thresholds: Thresholds;
  parameters: ParameterView[];
  /** Planned number of trials for random/tpe (grid: the product of the lists). */
  plannedTrials?: number;
}


function record(x: unknown): Record<string, unknown> | undefined {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function isParamValue(x: unknown): x is ParamValue {
  return typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean';
}

export function thresholdsOfSpec(spec: unknown): Thresholds {
  const d = record(record(spec)?.diagnosis) ?? {};
  const out = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(out) as Array<keyof Thresholds>) {
    const v = d[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}

function parameterView(name: string, p: Record<string, unknown>): ParameterView {
  if (Array.isArray(p.values)) {
    const values = p.values.filter(isParamValue);
    const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const distinct = new Set(values.map(String)).size;
    const range: SearchedRange | undefined =
      nums.length === values.length && distinct > 1
        ? { name, min: Math.min(...nums), max: Math.max(...nums), kind: 'values', log: false }
        : undefined;
    return { name, swept: distinct > 1, values, range };
  }
  if (typeof p.distribution === 'string' && typeof p.min === 'number' && typeof p.max === 'number') {
    return {
      name,
      swept: p.max > p.min,
      range: { name, min: p.min, max: p.max, kind: 'distribution', log: p.distribution === 'log_uniform' },
    };
  }
  return { name, swept: false, values: isParamValue(p.value) ? [p.value] : undefined };
}

export function summarizeSpec(spec: unknown): SpecSummary {
  const s = record(spec);
  const task = record(s?.task);
  const params = record(s?.parameters) ?? {};
  const strategy = record(s?.strategy);
  const parameters = Object.entries(params).flatMap(([name, p]) => {
    const r = record(p);
    return r ? [parameterView(name, r)] : [];
  });
  let plannedTrials: number | undefined;
  if (strategy?.type === 'random' || strategy?.type === 'tpe') {
    plannedTrials = typeof strategy.trials === 'number' ? strategy.trials : undefined;
  } else if (parameters.length > 0 && parameters.every((p) => p.values !== undefined)) {
    plannedTrials = parameters.reduce((n, p) => n * Math.max(1, new Set(p.values!.map(String)).size), 1);
  }
  return {
    name: typeof s?.name === 'string' ? s.name : undefined,
    description: typeof s?.description === 'string' ? s.description : undefined,
    taskType: task?.type === 'classification' || task?.type === 'causal-lm' ? task.type : undefined,
    objective: objectiveOfSpec(spec),
    objectives: objectivesOfSpec(spec),
    method: typeof task?.method === 'string' ? task.method : task?.type === 'classification' || task?.type === 'causal-lm' ? 'full' : undefined,
    forgetting: task?.forgetting !== false,
    thresholds: thresholdsOfSpec(spec),
    parameters,
    plannedTrials,
  };
}
