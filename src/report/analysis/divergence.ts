// Divergence, decided in one place from a trial's curves (the diagnosis, the recommendation and the
// suggested next sweep all read this). Pure: no I/O.
//
// A trial diverged when any of these holds (thresholds from the spec's `diagnosis:`):
//   1. a loss is NaN or ±Infinity (the journal stores either as null), or the engine stopped it as
//      diverged (`trial_diverged`);
//   2. an epoch's mean train loss is above `diverge_ratio` [3] × the reference loss: the class-prior
//      loss for classification (always predicting the training label frequencies), the base model's
//      initial validation loss for causal-lm. A model that has learnt nothing scores about 1× — three
//      times it means the weights were thrown far off, not that training was too short;
//   3. the train loss rose by an order of magnitude: an epoch's mean above `diverge_rise` [10] × the
//      lowest value before it (the loss before any step included), and no lower than the reference
//      loss (a rise from a memorised near-zero loss is noise);
//   4. the final train loss ends more than DIVERGE_MARGIN (10 %) above its start (the larger of the
//      untrained model's loss and the first epoch's mean; needs two epochs).
// Only the train loss is read for 2-4: a validation loss that climbs is overfitting's symptom too.
import type { TrialState } from '../../store/state.js';
import type { EpochMetrics } from '../../trial/types.js';
import type { Flag } from './flag.js';
import type { Thresholds } from './spec-summary.js';
import type { EngineTask } from '../../trial/method.js';


/**
 * A loss more than this fraction above its starting value counts as diverged: a fixed margin keeps
 * the epoch-to-epoch noise of a flat curve (a learning rate far too low) from reading as divergence.
 */
const DIVERGE_MARGIN = 0.1;

export const DIVERGED_ADVICE = 'lower the learning rate';

const finite = (x: number | undefined | null): x is number => typeof x === 'number' && Number.isFinite(x);
const num = (x: number): string => Number(x.toPrecision(4)).toString();

/** The loss an untrained model would get: the class prior (classification) or the base model's initial loss. */
export function referenceLoss(trial: TrialState | LossTrial, taskType: EngineTask | undefined): number | undefined {
  const prior = trial.dataReport?.priorLoss;
  if (taskType !== 'causal-lm' && finite(prior) && prior > 0) return prior;
  if (finite(trial.initialValLoss)) return trial.initialValLoss;
  return taskType === 'causal-lm' ? trial.epochs[0]?.val_loss : undefined;
}

/** A trial whose every epoch reported train and validation loss (a JSON null is a reported NaN). */
export type LossTrial = Omit<TrialState, 'epochs'> & { epochs: Array<EpochMetrics & { train_loss: number; val_loss: number }> };

/**
 * The trial, when every epoch reported both losses: the loss rules need them. An external trainer
 * may report neither; a rule it cannot feed is not judged (its flag is absent, never wrong).
 */
export function withLosses(trial: TrialState): LossTrial | undefined {
  return trial.epochs.every((e) => e.train_loss !== undefined && e.val_loss !== undefined) ? (trial as unknown as LossTrial) : undefined;
}

/** The diverged flag of one trial, or undefined. */
export function divergence(state: TrialState, thresholds: Thresholds, taskType: EngineTask | undefined): Flag | undefined {
  const advice = DIVERGED_ADVICE;
  const trial = withLosses(state);
  // Without both losses only the trainer's own verdict (a NaN it saw, its exit) tells.
  if (!trial) return state.status === 'diverged' ? { name: 'diverged', epoch: state.epochs.at(-1)?.epoch, detail: state.reason ?? 'the trainer stopped it as diverged', advice } : undefined;
  const bad = trial.epochs.find((e) => !finite(e.train_loss) || !finite(e.val_loss));
  if (bad) {
    // JSON has no NaN or Infinity: a journal written by JSON.stringify holds null for either.
    const v: unknown = finite(bad.train_loss) ? bad.val_loss : bad.train_loss;
    return { name: 'diverged', epoch: bad.epoch, detail: `loss is ${typeof v === 'number' ? String(v) : 'NaN'} at epoch ${bad.epoch}`, advice };
  }
  // The engine stopped it after the last epoch it reported.
  if (trial.status === 'diverged') return { name: 'diverged', epoch: trial.epochs.at(-1)?.epoch, detail: trial.reason ?? 'the engine stopped it as diverged', advice };
  const ref = referenceLoss(trial, taskType);
  if (finite(ref) && ref > 0) {
    const blown = trial.epochs.find((e) => e.train_loss > thresholds.diverge_ratio * ref);
    if (blown) {
      return {
        name: 'diverged',
        epoch: blown.epoch,
        detail: `train loss ${num(blown.train_loss)} at epoch ${blown.epoch} is ${num(blown.train_loss / ref)}× the reference loss ${num(ref)} (> ${thresholds.diverge_ratio}×)`,
        advice,
      };
    }
  }
  let low = finite(trial.initialValLoss) && trial.initialValLoss > 0 ? trial.initialValLoss : Infinity;
  // A rise from a memorised near-zero loss (0.001 → 0.02) is noise, not divergence: the risen loss
  // must also be no better than the reference (a model that learnt nothing).
  const floor = finite(ref) ? ref : finite(trial.initialValLoss) ? trial.initialValLoss : 0;
  for (const e of trial.epochs) {
    if (Number.isFinite(low) && e.train_loss > thresholds.diverge_rise * low && e.train_loss >= floor) {
      return { name: 'diverged', epoch: e.epoch, detail: `train loss rose from ${num(low)} to ${num(e.train_loss)} at epoch ${e.epoch} (> ${thresholds.diverge_rise}×)`, advice };
    }
    if (e.train_loss > 0) low = Math.min(low, e.train_loss);
  }
  // The starting value: the larger of the untrained model's loss and the first epoch's mean train
  // loss, so that a flat curve whose train split happens to score worse than its small validation
  // split does not read as divergence. One epoch has no trend to judge.
  const last = trial.epochs.at(-1);
  if (!last || trial.epochs.length < 2) return undefined;
  const start = Math.max(trial.epochs[0].train_loss, finite(trial.initialValLoss) ? trial.initialValLoss : -Infinity);
  if (last.train_loss > start * (1 + DIVERGE_MARGIN)) {
    return { name: 'diverged', epoch: last.epoch, detail: `train loss ${num(last.train_loss)} ended above its start ${num(start)}`, advice };
  }
  return undefined;
}
