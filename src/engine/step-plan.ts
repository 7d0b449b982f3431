// Where a fine-tune evaluates and where it ends, in optimizer steps: the budget (max_steps, else
// epochs × steps per epoch) and the evaluation points (every eval_every_steps steps, at each
// epoch's end, and at the last step). Pure: the training loop asks it, the tests read it.
import { InputError } from '../errors.js';
import type { TrialConfig } from './types.js';

export interface StepPlan {
  stepsPerEpoch: number;
  /** Optimizer steps the trial takes in all (the LR schedule and warmup span them). */
  totalSteps: number;
  /** Epochs the loop enters: the last may be cut short by max_steps. */
  epochs: number;
  /** Validate every N steps (undefined: at epochs' ends only). */
  evalEvery?: number;
}

function positiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new InputError(`${name}: expected an integer >= 1, got ${JSON.stringify(value)}`);
}

export function stepPlan(config: Pick<TrialConfig, 'params' | 'task'>, stepsPerEpoch: number): StepPlan {
  const p = config.params;
  const maxSteps = positiveInteger('params.max_steps', p.max_steps);
  const evalEvery = positiveInteger('params.eval_every_steps', p.eval_every_steps) ?? positiveInteger('task.eval_every_steps', config.task.evalEverySteps);
  if (maxSteps === undefined && !(typeof p.epochs === 'number' && p.epochs > 0 && Number.isFinite(p.epochs))) {
    throw new InputError(`params.epochs: expected a positive number (or params.max_steps), got ${JSON.stringify(p.epochs)}`);
  }
  const totalSteps = maxSteps ?? stepsPerEpoch * Math.floor(p.epochs!);
  return { stepsPerEpoch, totalSteps, epochs: Math.ceil(totalSteps / stepsPerEpoch), ...(evalEvery !== undefined ? { evalEvery } : {}) };
}

/** Whether the loop validates after optimizer step `step` (1-based), the `batch`-th of its epoch. */
export function evaluatesAt(plan: StepPlan, step: number, batch: number): boolean {
  return batch === plan.stepsPerEpoch || step === plan.totalSteps || (plan.evalEvery !== undefined && step % plan.evalEvery === 0);
}
