// Recorded learning curves (per-epoch train and val loss) that read as textbook cases, and a
// builder for trial states, so the reporter's pure parts are tested without training anything.
import type { DataReport, EpochMetrics } from '../../src/trial/types.js';
import type { Params } from '../../src/trial/types.js';
import type { TrialStatus } from '../../src/trial/status.js';
import type { SweepState, TrialState } from '../../src/store/state.js';
import type { DiagnosisContext } from '../../src/report/analysis/diagnose.js';
import { DEFAULT_THRESHOLDS } from '../../src/report/analysis/spec-summary.js';

/** Loss of always predicting the prior of a balanced two-class task: ln 2. */
export const PRIOR_LOSS = 0.693;

/** The diagnosis context of a classification sweep on val_loss, default thresholds, no leakage. */
export const ctx = (more: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  objective: { metric: 'val_loss', goal: 'minimize' },
  thresholds: DEFAULT_THRESHOLDS,
  taskType: 'classification',
  leakage: 0,
  ...more,
});
export const names = (flags: { name: string }[]): string[] => flags.map((f) => f.name);

export function epochs(train: number[], val: number[], accuracy?: number[]): EpochMetrics[] {
  return train.map((t, i) => ({
    epoch: i + 1,
    train_loss: t,
    val_loss: val[i],
    ...(accuracy ? { val_accuracy: accuracy[i] } : {}),
    seconds: 2,
  }));
}

export function dataReport(leakage = 0): DataReport {
  const split = { file: 'train.jsonl', count: 100, emptyTexts: 0, duplicates: 0, truncated: 0, labels: { ham: 50, spam: 50 } };
  return {
    train: split,
    validation: { ...split, count: 25 },
    leakage: { count: leakage, examples: leakage ? ['win a free <b>prize</b> now'] : [] },
    warnings: [],
    priorLoss: PRIOR_LOSS,
    majorityRate: 0.5,
  };
}

let nextIndex = 0;

export function trial(id: string, curve: EpochMetrics[], more: Partial<TrialState> = {}): TrialState {
  return {
    id,
    index: nextIndex++,
    params: { learning_rate: 1e-4, batch_size: 16, epochs: curve.length || 3 },
    status: 'completed' as TrialStatus,
    attempts: 1,
    epochs: curve,
    dataReport: dataReport(),
    initialValLoss: 0.7,
    seconds: curve.reduce((s, e) => s + e.seconds, 0),
    ...more,
  };
}

export function sweep(trials: TrialState[], more: Partial<SweepState> = {}): SweepState {
  return { name: 'demo', completed: true, trials: new Map(trials.map((t) => [t.id, t])), lastSeq: 0, ...more };
}

export function params(learning_rate: number, batch_size: number, epochs: number, extra: Params = {}): Params {
  return { learning_rate, batch_size, epochs, ...extra };
}

// The textbook curves (classification, balanced two classes, objective val_loss).
export const CURVES = {
  /** Val loss bottoms out at epoch 2 and climbs while train loss keeps falling. */
  overfit: epochs([0.6, 0.4, 0.25, 0.12, 0.05], [0.55, 0.45, 0.48, 0.58, 0.72]),
  /** Train loss sits at the class-prior loss: nothing learned. */
  underfit: epochs([0.69, 0.688, 0.687, 0.686], [0.69, 0.689, 0.689, 0.688]),
  /** Both losses still dropping fast at the last epoch. */
  improving: epochs([0.6, 0.45, 0.35, 0.28], [0.58, 0.47, 0.4, 0.35]),
  /** Loss blows up to NaN at epoch 3. */
  divergedNaN: epochs([0.6, 2.5, Number.NaN], [0.6, 3.1, Number.NaN]),
  /** Loss ends well above where it started, without a NaN. */
  divergedUp: epochs([0.65, 0.9, 1.4], [0.7, 1.0, 1.6]),
  /** Converged: both losses flatten, small gap. */
  healthy: epochs([0.5, 0.3, 0.22, 0.2], [0.45, 0.33, 0.3, 0.299]),
};
