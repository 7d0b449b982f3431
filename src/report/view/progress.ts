// The progress axis of a sweep's reports: optimizer steps when every evaluation carries its step
// (the engine's eval_every_steps, a command that reports steps), else epochs (epoch-only trainers
// and journals written before steps were recorded, which then render as they always did). One
// axis per view: a compare chart or a table never mixes steps of one trial with epochs of another.
import type { EpochMetrics } from '../../trial/types.js';

export type ProgressKind = 'step' | 'epoch';

/** 'step' when there is an evaluation and every one has a step; else 'epoch'. */
export function progressKind(curves: Iterable<readonly EpochMetrics[]>): ProgressKind {
  let any = false;
  for (const curve of curves) {
    for (const e of curve) {
      if (typeof e.step !== 'number') return 'epoch';
      any = true;
    }
  }
  return any ? 'step' : 'epoch';
}

/** Where an evaluation lies on the axis. */
export function progressOf(e: { epoch: number; step?: number }, kind: ProgressKind): number {
  return kind === 'step' && typeof e.step === 'number' ? e.step : e.epoch;
}

/**
 * Where an epoch-keyed mark (a flag's epoch, the best evaluation's epoch) lies on the axis: the
 * step of the trial's evaluation at that epoch, else the epoch itself.
 */
export function progressAtEpoch(curve: readonly EpochMetrics[], epoch: number, kind: ProgressKind): number {
  if (kind === 'epoch') return epoch;
  const e = curve.find((c) => c.epoch === epoch);
  return e ? progressOf(e, kind) : epoch;
}

/**
 * The steps at which whole epochs ended, for epoch marks on a step axis: epoch k at the step of an
 * evaluation at exactly epoch k, else k × the steps per epoch that the trial's evaluations show
 * (step ÷ epoch). Only epochs up to the last evaluation's.
 */
export function epochMarks(curve: readonly EpochMetrics[]): Array<{ epoch: number; step: number }> {
  const last = curve.at(-1);
  if (!last || typeof last.step !== 'number' || !(last.epoch > 0)) return [];
  const perEpoch = last.step / last.epoch;
  const marks: Array<{ epoch: number; step: number }> = [];
  for (let k = 1; k <= Math.floor(last.epoch + 1e-9); k++) {
    const at = curve.find((c) => c.epoch === k && typeof c.step === 'number');
    marks.push({ epoch: k, step: at ? at.step! : Math.round(k * perEpoch) });
  }
  return marks;
}

/** A point's label on the step axis: "step 80 (epoch 2.67)"; on the epoch axis: "epoch 2". */
export function progressLabel(e: { epoch: number; step?: number }, kind: ProgressKind): string {
  if (kind === 'epoch' || typeof e.step !== 'number') return `epoch ${e.epoch}`;
  return `step ${e.step} (epoch ${Number(e.epoch.toFixed(2))})`;
}
