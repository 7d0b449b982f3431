// The scheduler a spec asks for: undefined when early stopping is off.
import { AshaScheduler } from './asha.js';
import { MedianScheduler } from './median.js';
import { resolveObjective, type Goal } from '../trial/objective.js';
import type { Scheduler } from './scheduler.js';

/** The part of a sweep spec the scheduler reads (structural, so the validated spec type fits). */
export interface ScheduleSpec {
  objective?: { metric: string; goal?: Goal };
  early_stopping?: {
    type: 'none' | 'median' | 'asha';
    min_epochs?: number;
    min_steps?: number;
    min_trials?: number;
    reduction_factor?: number;
    rejudge?: boolean;
  };
}

export function createScheduler(spec: ScheduleSpec): Scheduler | undefined {
  const es = spec.early_stopping;
  if (!es || es.type === 'none') return undefined;
  const { goal } = resolveObjective(spec.objective);
  const minEpochs = es.min_epochs ?? 1;
  const minSteps = es.min_steps !== undefined ? { minSteps: es.min_steps } : {};
  if (es.type === 'median') return new MedianScheduler({ goal, minEpochs, ...minSteps, minTrials: es.min_trials ?? 3 });
  return new AshaScheduler({ goal, minEpochs, ...minSteps, reductionFactor: es.reduction_factor ?? 3, rejudge: es.rejudge ?? false });
}

/**
 * A sweep whose early stopping counts steps needs a trainer that reports them; `reportsSteps` is
 * the trainer's word on the spec's task. The problem as one line (for the caller's InputError), or undefined.
 */
export function stepAxisProblem(spec: ScheduleSpec, reportsSteps: boolean): string | undefined {
  const es = spec.early_stopping;
  if (!es || es.type === 'none' || es.min_steps === undefined || reportsSteps) return undefined;
  return '/early_stopping/min_steps: this task\'s trainer reports whole epochs only (no optimizer steps); use min_epochs';
}

export { AshaScheduler } from './asha.js';
export { MedianScheduler } from './median.js';
export { scheduleQuery } from './horizon.js';
export type { Axis, Decision, EpochResult, Scheduler, ScheduleQuery } from './scheduler.js';
