// Where a trial's training ends, on both axes, read off its parameters and one of its evaluations:
// the question a scheduler is asked after that evaluation. Pure, so that the live run and the
// replay of a journal ask the same question.
import type { Params } from '../trial/types.js';
import type { ScheduleQuery } from './scheduler.js';

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/**
 * The query after trial `trialId` (of parameters `params`) recorded the evaluation `point`.
 * `max_steps`, when set, is the budget (as in transformers, it wins over `epochs`); otherwise
 * `epochs`. Steps per epoch come from the evaluation itself (step / epoch), so the other axis's
 * end is known once a trainer reports both; an epoch-only trainer's steps are unknown.
 */
export function scheduleQuery(trialId: string, params: Params, point: { epoch: number; step?: number }): ScheduleQuery {
  const epochs = positive(params.epochs);
  const maxSteps = positive(params.max_steps);
  const stepsPerEpoch = point.step !== undefined && point.epoch > 0 ? point.step / point.epoch : undefined;
  const query: ScheduleQuery = { trialId, epoch: point.epoch, ...(point.step !== undefined ? { step: point.step } : {}) };
  if (maxSteps !== undefined) {
    query.maxSteps = maxSteps;
    if (stepsPerEpoch !== undefined) query.maxEpochs = maxSteps / stepsPerEpoch;
  } else if (epochs !== undefined) {
    query.maxEpochs = epochs;
    if (stepsPerEpoch !== undefined) query.maxSteps = Math.round(epochs * stepsPerEpoch);
  }
  return query;
}
