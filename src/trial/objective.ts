// The objective: the metric that ranks trials, its goal, and its value at an epoch. The one
// reading of it that the samplers, the schedulers, the run loop and the reporter share.
import type { EpochMetrics } from './types.js';

export type Goal = 'minimize' | 'maximize';

export interface Objective<Metric extends string = string> {
  metric: Metric;
  goal: Goal;
}

/** The direction in which each metric the built-in trainers report improves. */
export const NATURAL_GOAL = {
  val_loss: 'minimize',
  train_loss: 'minimize',
  val_perplexity: 'minimize',
  val_accuracy: 'maximize',
  val_f1: 'maximize',
} as const satisfies Record<string, Goal>;

/** A metric's natural direction: accuracy-like metrics rise, others (losses, unknown ones) fall. */
export function naturalGoal(metric: string): Goal {
  return (NATURAL_GOAL as Record<string, Goal>)[metric] ?? 'minimize';
}

/** The spec's `objective`, with the metric's natural direction when `goal` is absent. */
export function resolveObjective<M extends string = string>(spec?: { metric: M; goal?: Goal }): Objective<M> {
  const metric = (spec?.metric ?? 'val_loss') as M;
  return { metric, goal: spec?.goal ?? naturalGoal(metric) };
}

/**
 * The objective's value at one epoch: the reported number, or undefined when the epoch did not
 * report that metric. NaN and ±Infinity are returned as reported (a diverged value).
 */
export function objectiveValue(metrics: EpochMetrics, metric: string): number | undefined {
  const v = metrics[metric];
  return typeof v === 'number' ? v : undefined;
}

/** The objective's value at one epoch when it is a finite number (what ranks a trial), else undefined. */
export function finiteValue(metrics: EpochMetrics, metric: string): number | undefined {
  const v = objectiveValue(metrics, metric);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** Whether any epoch reported `metric` (a trial that never did cannot be ranked). */
export function reportsMetric(epochs: readonly EpochMetrics[], metric: string): boolean {
  return epochs.some((m) => objectiveValue(m, metric) !== undefined);
}

/**
 * A comparable score: lower is better whatever the goal, and NaN/±Infinity (or a missing value)
 * map to +Infinity so a diverged value is always the worst.
 */
export function loss(value: number | undefined, goal: Goal): number {
  if (value === undefined || !Number.isFinite(value)) return Number.POSITIVE_INFINITY;
  return goal === 'minimize' ? value : -value;
}

/** The best loss among `values` (+Infinity for none). */
export function bestLoss(values: readonly (number | undefined)[], goal: Goal): number {
  let best = Number.POSITIVE_INFINITY;
  for (const v of values) best = Math.min(best, loss(v, goal));
  return best;
}

/** Compares two objective values: negative when `a` is better. Non-finite values rank last. */
export function compareValues(a: number, b: number, goal: Goal): number {
  return loss(a, goal) - loss(b, goal) || 0;
}

/** The best evaluation: its epoch (fractional mid-epoch), its optimizer step when the trainer reported one, its value. */
export interface BestEpoch {
  epoch: number;
  step?: number;
  value: number;
}

/** The evaluation with the best finite objective value (the earliest one on a tie: fewer steps reach it). */
export function bestEpoch(epochs: readonly EpochMetrics[], objective: Objective): BestEpoch | undefined {
  let best: BestEpoch | undefined;
  for (const e of epochs) {
    const value = finiteValue(e, objective.metric);
    if (value === undefined) continue;
    if (!best || compareValues(value, best.value, objective.goal) < 0) best = { epoch: e.epoch, ...(typeof e.step === 'number' ? { step: e.step } : {}), value };
  }
  return best;
}

/** The finite objective at the last epoch that reported one. */
export function lastValue(epochs: readonly EpochMetrics[], objective: Objective): number | undefined {
  for (let i = epochs.length - 1; i >= 0; i--) {
    const v = finiteValue(epochs[i], objective.metric);
    if (v !== undefined) return v;
  }
  return undefined;
}
