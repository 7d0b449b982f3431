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
    min_trials?: number;
    reduction_factor?: number;
  };
}

export function createScheduler(spec: ScheduleSpec): Scheduler | undefined {
  const es = spec.early_stopping;
  if (!es || es.type === 'none') return undefined;
  const { goal } = resolveObjective(spec.objective);
  const minEpochs = es.min_epochs ?? 1;
  if (es.type === 'median') return new MedianScheduler({ goal, minEpochs, minTrials: es.min_trials ?? 3 });
  return new AshaScheduler({ goal, minEpochs, reductionFactor: es.reduction_factor ?? 3 });
}

export { AshaScheduler } from './asha.js';
export { MedianScheduler } from './median.js';
export type { Decision, EpochResult, Scheduler, ScheduleQuery } from './scheduler.js';
