// Diagnosis on evaluation sequences: a one-epoch trial evaluated every 5 of its 100 steps (20
// points) gets every flag a many-epoch trial gets, and "still improving" reads the trend at the
// end, not one noisy last interval.
import { describe, expect, it } from 'vitest';
import { diagnoseTrial } from '../../src/report/analysis/diagnose.js';
import { DEFAULT_THRESHOLDS } from '../../src/report/analysis/spec-summary.js';
import { bestEpoch } from '../../src/trial/objective.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { suggestNext } from '../../src/report/view/next-sweep.js';
import { columns } from '../../src/report/view/columns.js';
import { validateSpec } from '../../src/spec/validate.js';
import type { EpochMetrics } from '../../src/trial/types.js';
import { ctx, names, PRIOR_LOSS, sweep, trial } from './curves.js';


/** One epoch of 100 steps evaluated every 5: 20 points, train and val loss as functions of the step. */
function oneEpoch(train: (step: number) => number, val: (step: number) => number): EpochMetrics[] {
  return Array.from({ length: 20 }, (_, i) => {
    const step = (i + 1) * 5;
    return { epoch: step / 100, step, train_loss: train(step), val_loss: val(step), seconds: 0.5 };
  });
}
const oneEpochTrial = (curve: EpochMetrics[], more = {}) => trial('t', curve, { params: { learning_rate: 1e-4, batch_size: 16, epochs: 1 }, ...more });
/** A small deterministic wiggle, as evaluation noise. */
const wiggle = (step: number) => 0.002 * Math.sin(step * 1.7);

describe('diagnosis of a one-epoch trial with 20 evaluations', () => {
  it('overfitting: val loss bottoms out at step 40 and climbs while train loss keeps falling; the best point is named by its step', () => {
    const curve = oneEpoch((s) => 0.6 - 0.005 * s, (s) => 0.3 + 0.00005 * (s - 40) ** 2);
    const flags = diagnoseTrial(oneEpochTrial(curve), ctx());
    expect(names(flags)).toEqual(['overfitting']);
    expect(flags[0].epoch).toBe(0.4);
    expect(flags[0].detail).toMatch(/from its minimum 0.3 at step 40 \(epoch 0.4\)/);
    expect(flags[0].advice).toBe('fewer epochs (best was step 40 (epoch 0.4)), lower LR, more data, more regularization');
    expect(bestEpoch(curve, ctx().objective)).toEqual({ epoch: 0.4, step: 40, value: 0.3 });
  });

  it('underfitting: the train loss never leaves the class prior', () => {
    const curve = oneEpoch((s) => PRIOR_LOSS - 0.00001 * s + wiggle(s), (s) => PRIOR_LOSS + wiggle(s));
    expect(names(diagnoseTrial(oneEpochTrial(curve), ctx()))).toEqual(['underfitting']);
  });

  it('still improving: the loss is still falling across the last third of the steps', () => {
    const curve = oneEpoch((s) => 0.6 - 0.003 * s, (s) => 0.62 - 0.003 * s + wiggle(s));
    const flags = diagnoseTrial(oneEpochTrial(curve), ctx());
    expect(names(flags)).toEqual(['still_improving']);
    expect(flags[0].detail).toMatch(/^val_loss improved \d+(\.\d)?% over its last 7 evaluations \(step 70 \(epoch 0.7\) to epoch 1\)$/);
  });

  it('is not fooled by one noisy last interval: a flat end with a 3% dip at the last point is not still improving', () => {
    const curve = oneEpoch((s) => 0.2 + 0.4 * Math.exp(-s / 10), (s) => 0.25 + 0.4 * Math.exp(-s / 10) + wiggle(s));
    curve[19].val_loss = curve[18].val_loss! * 0.97;
    const flags = diagnoseTrial(oneEpochTrial(curve), ctx());
    expect(names(flags)).toEqual([]);
    // The old rule (the last interval alone) would have flagged it.
    expect((curve[18].val_loss! - curve[19].val_loss!) / curve[18].val_loss!).toBeGreaterThan(DEFAULT_THRESHOLDS.improving_slope);
  });

  it('divergence: the train loss blows up at step 70', () => {
    const curve = oneEpoch((s) => (s < 70 ? 0.5 - 0.001 * s : 9), (s) => (s < 70 ? 0.5 : 12));
    const flags = diagnoseTrial(oneEpochTrial(curve), ctx());
    expect(names(flags)).toEqual(['diverged']);
    expect(flags[0].epoch).toBe(0.7);
  });

  it('a window narrowed by improving_window judges only the very end', () => {
    // Falling fast until step 80, flat after: the last third still sees the fall, the last tenth does not.
    const curve = oneEpoch((s) => 0.6 - 0.002 * Math.min(s, 80), (s) => 0.6 - 0.003 * Math.min(s, 80));
    expect(names(diagnoseTrial(oneEpochTrial(curve), ctx()))).toEqual(['still_improving']);
    const narrow = ctx({ thresholds: { ...DEFAULT_THRESHOLDS, improving_window: 0.1 } });
    expect(names(diagnoseTrial(oneEpochTrial(curve), narrow))).toEqual([]);
  });
});

describe('a best evaluation mid-epoch in the leaderboard and the next sweep', () => {
  /** Three epochs of 30 steps evaluated every 10: val loss bottoms out at step 50 (epoch 1.67). */
  const curve = (shift: number): EpochMetrics[] =>
    Array.from({ length: 9 }, (_, i) => {
      const step = (i + 1) * 10;
      return { epoch: step / 30, step, train_loss: 0.6 - 0.05 * i, val_loss: shift + 0.3 + 0.0004 * (step - 50) ** 2, seconds: 1 };
    });

  it('shows the best epoch to two decimals and suggests whole epochs: the epoch the best fell in', () => {
    const spec = validateSpec({ name: 'g', task: { type: 'classification', model: 'm', data: { train: 't.jsonl' } }, parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { value: 16 }, epochs: { values: [1, 3] } } }, 'spec.json');
    const trials = [1e-4, 1e-3].map((lr, i) => trial(`t${i}`, curve(i * 0.01), { params: { learning_rate: lr, batch_size: 16, epochs: 3 } }));
    const lb = buildLeaderboard({ spec, state: sweep(trials) });
    const column = columns(lb).find((c) => c.key === 'best_epoch')!;
    expect(column.cell(lb.rows[0])).toBe('1.67');
    const { spec: next, changes } = suggestNext(spec, lb);
    const epochs = (next.parameters as Record<string, { value?: number; values?: number[] }>).epochs;
    expect(changes.find((c) => c.parameter === 'epochs')?.why).toMatch(/peaked by epoch 2 /);
    expect(epochs.values ?? [epochs.value]).toEqual([1, 2]);
    expect(() => validateSpec(next, 'next.json')).not.toThrow();
  });
});
