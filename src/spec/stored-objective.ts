// The objective of a spec as stored with a sweep, read defensively: the reporter and the Optuna
// export are handed the spec from disk (possibly written by an older version), so a field that is
// missing or malformed falls back to the schema's default rather than failing.
import { OBJECTIVE_METRICS } from './semantic.js';
import { sweepSchema, type Objective, type ObjectiveMetric, type ObjectiveTerm, type TermMetric } from './types.js';
import { naturalGoal } from '../trial/objective.js';

function record(x: unknown): Record<string, unknown> | undefined {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

const TERM_METRICS = sweepSchema.definitions.objective_term.properties.metric.enum as readonly string[];

/**
 * The two metrics of a two-metric objective: `objectives` of a resolved spec, or `objective` as a
 * list in a spec as written; undefined for a one-metric objective.
 */
export function objectivesOfSpec(spec: unknown): [ObjectiveTerm, ObjectiveTerm] | undefined {
  const s = record(spec);
  const list = Array.isArray(s?.objectives) ? s.objectives : Array.isArray(s?.objective) ? s.objective : undefined;
  if (!list || list.length !== 2) return undefined;
  const terms = list.map((t) => {
    const r = record(t);
    const metric = TERM_METRICS.includes(r?.metric as string) ? (r!.metric as TermMetric) : undefined;
    if (!metric) return undefined;
    return { metric, goal: r?.goal === 'minimize' || r?.goal === 'maximize' ? r.goal : naturalGoal(metric) } as ObjectiveTerm;
  });
  if (!terms[0] || !terms[1] || !(OBJECTIVE_METRICS as readonly string[]).includes(terms[0].metric)) return undefined;
  return [terms[0], terms[1]];
}

/** The objective that ranks trials: the first metric of a two-metric objective, else `objective`. */
export function objectiveOfSpec(spec: unknown): Objective {
  const list = objectivesOfSpec(spec);
  if (list) return list[0] as Objective;
  const o = record(record(spec)?.objective);
  // Any metric a command's program reports can be the objective; validation vouched for it.
  const metric: ObjectiveMetric = typeof o?.metric === 'string' && o.metric !== '' ? o.metric : 'val_loss';
  const goal = o?.goal === 'minimize' || o?.goal === 'maximize' ? o.goal : naturalGoal(metric);
  return { metric, goal };
}
