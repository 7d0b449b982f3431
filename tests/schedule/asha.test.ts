import { describe, expect, it } from 'vitest';
import { AshaScheduler } from '../../src/schedule/asha.js';
import { createScheduler } from '../../src/schedule/index.js';
import { simulate, type RecordedTrial } from '../../bench/simulate.js';

// Four epochs, min_epochs 1, reduction factor 3: rungs at epochs 1 and 3.
const curves: RecordedTrial[] = [
  { id: 'T1', curve: [0.9, 0.8, 0.7, 0.6] },
  { id: 'T2', curve: [1.0, 0.9, 0.8, 0.7] },
  { id: 'T3', curve: [0.8, 0.7, 0.65, 0.5] },
  { id: 'T4', curve: [0.85, 0.6, 0.55, 0.5] },
  { id: 'T5', curve: [0.7, 0.6, 0.6, 0.6] },
  { id: 'T6', curve: [0.75, 0.7, 0.68, 0.6] },
  { id: 'T7', curve: [0.95, 0.9, 0.85, 0.8] },
  { id: 'T8', curve: [0.72, 0.5, 0.4, 0.3] },
  { id: 'T9', curve: [0.71, 0.69, 0.66, 0.6] },
];

function stops(result: ReturnType<typeof simulate>): Record<string, [epoch: number, rung: number | undefined]> {
  return Object.fromEntries([...result.stopped].map(([id, s]) => [id, [s.epoch, s.rung]]));
}

describe('ASHA on recorded curves', () => {
  it('places rungs at min_epochs × reduction_factor^i strictly below the planned epochs', () => {
    const asha = new AshaScheduler({ goal: 'minimize', minEpochs: 1, reductionFactor: 3 });
    expect(asha.rungs(4)).toEqual([1, 3]);
    expect(asha.rungs(9)).toEqual([1, 3]);
    expect(asha.rungs(10)).toEqual([1, 3, 9]);
    expect(asha.rungs(1)).toEqual([]);
    expect(new AshaScheduler({ goal: 'minimize', minEpochs: 2, reductionFactor: 2 }).rungs(9)).toEqual([2, 4, 8]);
  });

  it('keeps the top 1/reduction_factor at each rung, and the best-so-far while a rung has fewer than reduction_factor trials', () => {
    const scheduler = createScheduler({ early_stopping: { type: 'asha', min_epochs: 1, reduction_factor: 3 } })!;
    const r = simulate(curves, { slots: 1, metric: 'val_loss', scheduler });
    // T2: 1.0 vs [0.9] (n=2 < 3: must be the best). T4: 0.85, n=4 keeps 1 (0.8). T6 at rung 1: 0.68,
    // n=4 keeps 1 (0.6). T7: 0.95, n=7 keeps 2 (cutoff 0.75). T9 at rung 1: 0.66, n=6 keeps 2
    // (0.4, 0.6).
    expect(stops(r)).toEqual({ T2: [1, 0], T4: [1, 0], T6: [3, 1], T7: [1, 0], T9: [3, 1] });
    expect(r.epochs).toBe(4 + 1 + 4 + 1 + 4 + 3 + 1 + 4 + 3);
    expect(r.stopped.get('T9')!.reason).toBe(
      'asha rung 1 (epoch 3): best 0.66 is not in the top 2 of 6 trials at this rung (cutoff 0.6, reduction factor 3)',
    );
  });

  it('keeps a trial whose value ties the cutoff', () => {
    const scheduler = new AshaScheduler({ goal: 'minimize', minEpochs: 1, reductionFactor: 2 });
    const r = simulate(
      [
        { id: 'a', curve: [0.5, 0.4] },
        { id: 'b', curve: [0.5, 0.3] },
        { id: 'c', curve: [0.6, 0.2] },
      ],
      { slots: 1, metric: 'val_loss', scheduler },
    );
    expect(stops(r)).toEqual({ c: [1, 0] });
  });

  it('reads a rung value as the best objective up to that epoch, in the goal direction', () => {
    const scheduler = createScheduler({
      objective: { metric: 'val_accuracy' },
      early_stopping: { type: 'asha', min_epochs: 2, reduction_factor: 2 },
    })!;
    const r = simulate(
      [
        { id: 'a', curve: [0.6, 0.62, 0.7, 0.71, 0.72] },
        // Peaked at epoch 1: its rung-2 value is 0.65, better than a's 0.62.
        { id: 'b', curve: [0.65, 0.5, 0.8, 0.8, 0.8] },
        { id: 'c', curve: [0.6, 0.61, 0.9, 0.9, 0.9] },
        { id: 'd', curve: [0.6, 0.63, 0.75, 0.75, 0.75] },
      ],
      { slots: 1, metric: 'val_accuracy', scheduler },
    );
    // Rungs at 2 and 4. c at rung 0: 0.61 vs [0.62, 0.65], n=3 keeps 1 → stop. d at rung 0:
    // 0.63, n=4 keeps 2 (0.65, 0.63) → on; at rung 1: 0.75 vs a 0.71, b 0.8 → n=3 keeps 1 → stop.
    expect(stops(r)).toEqual({ c: [2, 0], d: [4, 1] });
  });

  it('never waits for a rung to fill: the first trial at a rung always continues', () => {
    const scheduler = new AshaScheduler({ goal: 'minimize', minEpochs: 1, reductionFactor: 3 });
    // Three slots; T7 (the worst) is fast and reaches every rung first, so it is never stopped.
    const fast = curves.slice(0, 3).concat({ ...curves[6], seconds: [0.1, 0.1, 0.1, 0.1] });
    const r = simulate([fast[3], ...fast.slice(0, 3)], { slots: 3, metric: 'val_loss', scheduler });
    expect(r.stopped.has('T7')).toBe(false);
    // On one slot after the others, it is stopped at the first rung.
    expect(stops(simulate(fast, { slots: 1, metric: 'val_loss', scheduler })).T7).toEqual([1, 0]);
  });
});
