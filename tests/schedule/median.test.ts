import { describe, expect, it } from 'vitest';
import { MedianScheduler } from '../../src/schedule/median.js';
import { createScheduler } from '../../src/schedule/index.js';
import { simulate, type RecordedTrial } from '../../bench/simulate.js';

const curves: RecordedTrial[] = [
  { id: 'A', curve: [1.0, 0.8, 0.6, 0.5] },
  { id: 'B', curve: [0.9, 0.7, 0.5, 0.4] },
  { id: 'C', curve: [1.2, 1.1, 1.0, 0.9] },
  { id: 'D', curve: [0.95, 0.75, 0.62, 0.45] },
  // Best early, then worse: judged by its best so far, it is never below the median.
  { id: 'E', curve: [0.5, 0.9, 0.9, 0.9] },
];

function stops(result: ReturnType<typeof simulate>): Record<string, number> {
  return Object.fromEntries([...result.stopped].map(([id, s]) => [id, s.epoch]));
}

describe('median stopping rule on recorded curves', () => {
  it('stops a trial whose best so far is worse than the median of the others at that epoch', () => {
    const scheduler = new MedianScheduler({ goal: 'minimize', minEpochs: 1, minTrials: 2 });
    const r = simulate(curves, { slots: 1, metric: 'val_loss', scheduler });
    // C at epoch 1: 1.2 > median(1.0, 0.9) = 0.95. D at epoch 2 ties the median 0.75 (kept), at
    // epoch 3: 0.62 > median(0.6, 0.5) = 0.55.
    expect(stops(r)).toEqual({ C: 1, D: 3 });
    expect(r.epochs).toBe(4 + 4 + 1 + 3 + 4);
    expect(r.stopped.get('C')!.reason).toBe(
      'median rule: best 1.2 by epoch 1 is worse than the median 0.95 of 2 other trials at epoch 1',
    );
    expect(r.stopped.get('C')!.rung).toBeUndefined();
  });

  it('stops nobody before min_epochs', () => {
    const scheduler = new MedianScheduler({ goal: 'minimize', minEpochs: 2, minTrials: 2 });
    const r = simulate(curves, { slots: 1, metric: 'val_loss', scheduler });
    expect(stops(r)).toEqual({ C: 2, D: 3 });
  });

  it('uses the median only once min_trials others reached the epoch', () => {
    const scheduler = new MedianScheduler({ goal: 'minimize', minEpochs: 1, minTrials: 3 });
    const r = simulate(curves, { slots: 1, metric: 'val_loss', scheduler });
    // C never has three peers (only A and B ran before it), so it runs to the end; D at epoch 3
    // has peers A 0.6, B 0.5, C 1.0 → median 0.6 < 0.62.
    expect(stops(r)).toEqual({ D: 3 });
  });

  it('never stops a trial at its last epoch', () => {
    const scheduler = new MedianScheduler({ goal: 'minimize', minEpochs: 1, minTrials: 1 });
    const r = simulate(
      [
        { id: 'A', curve: [0.1, 0.1] },
        { id: 'B', curve: [0.1, 0.9] },
      ],
      { slots: 1, metric: 'val_loss', scheduler },
    );
    expect(r.stopped.size).toBe(0);
  });

  it('maximizes accuracy when the goal says so', () => {
    const scheduler = createScheduler({ objective: { metric: 'val_accuracy' }, early_stopping: { type: 'median', min_trials: 2 } })!;
    const r = simulate(
      [
        { id: 'A', curve: [0.5, 0.6, 0.7] },
        { id: 'B', curve: [0.55, 0.65, 0.75] },
        { id: 'C', curve: [0.3, 0.35, 0.4] },
        { id: 'D', curve: [0.6, 0.62, 0.63] },
      ],
      { slots: 1, metric: 'val_accuracy', scheduler },
    );
    // D at epoch 2: best 0.62 < median(0.6, 0.65) = 0.625.
    expect(stops(r)).toEqual({ C: 1, D: 2 });
    expect(r.stopped.get('C')!.reason).toContain('best 0.3 by epoch 1 is worse than the median 0.525');
  });

  it('judges a trial only on the results recorded before its own (asynchronous slots)', () => {
    const scheduler = new MedianScheduler({ goal: 'minimize', minEpochs: 1, minTrials: 2 });
    // C is twice as fast: each of its epochs is recorded before A and B reach that epoch, so the
    // median never has two peers and C completes, although its curve is the worst.
    const fast = curves.slice(0, 3).map((t) => (t.id === 'C' ? { ...t, seconds: [0.5, 0.5, 0.5, 0.5] } : t));
    const r = simulate(fast, { slots: 3, metric: 'val_loss', scheduler });
    expect(r.stopped.size).toBe(0);
    // The same curves on one slot: C comes last and is stopped at epoch 1.
    expect(stops(simulate(fast, { slots: 1, metric: 'val_loss', scheduler }))).toEqual({ C: 1 });
  });

  it('counts a diverged (NaN) value as the worst', () => {
    const scheduler = new MedianScheduler({ goal: 'minimize', minEpochs: 1, minTrials: 2 });
    const r = simulate(
      [
        { id: 'A', curve: [1, 0.9, 0.8] },
        { id: 'B', curve: [1.1, 1.0, 0.9] },
        { id: 'N', curve: [Number.NaN, Number.NaN, Number.NaN] },
        { id: 'D', curve: [1.05, 0.95, 0.85] },
      ],
      { slots: 1, metric: 'val_loss', scheduler },
    );
    // D at epoch 1 sees A 1, B 1.1, N worst: median 1.1 → kept.
    expect(stops(r)).toEqual({ N: 1 });
  });
});
