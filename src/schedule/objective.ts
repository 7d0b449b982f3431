// How a trial's objective is read and compared; shared by the schedulers and the TPE history.
import type { EpochMetrics } from '../engine/types.js';
import { naturalGoal } from '../spec/semantic.js';
import type { Objective, ObjectiveMetric } from '../spec/types.js';
import type { Goal } from './scheduler.js';

export type { Objective, ObjectiveMetric };

/** The spec's `objective`, with the metric's natural direction when `goal` is absent. */
export function resolveObjective(spec?: { metric: ObjectiveMetric; goal?: Goal }): Objective {
  const metric = spec?.metric ?? 'val_loss';
  return { metric, goal: spec?.goal ?? naturalGoal(metric) };
}

/** The objective value of one epoch; a missing metric reads as NaN (the worst value). */
export function objectiveValue(metrics: EpochMetrics, metric: ObjectiveMetric): number {
  const v = metrics[metric];
  return typeof v === 'number' ? v : Number.NaN;
}

/**
 * A comparable score: lower is better whatever the goal, and NaN/±Infinity map to +Infinity so a
 * diverged value is always the worst.
 */
export function loss(value: number, goal: Goal): number {
  if (!Number.isFinite(value)) return Number.POSITIVE_INFINITY;
  return goal === 'minimize' ? value : -value;
}

/** The best loss among `values` (+Infinity for none). */
export function bestLoss(values: readonly number[], goal: Goal): number {
  let best = Number.POSITIVE_INFINITY;
  for (const v of values) best = Math.min(best, loss(v, goal));
  return best;
}
