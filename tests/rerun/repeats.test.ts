// The report's grouping of repeats (report/analysis/repeats.ts through buildLeaderboard): ranking by
// the configuration's mean, `repeats` on its rows, and a tie only where mean ± sd intervals overlap.
import { describe, expect, it } from 'vitest';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import type { SweepState, TrialState } from '../../src/store/state.js';
import { repeatStats, withinNoise } from '../../src/trial/repeats.js';

function trial(id: string, index: number, lr: number, value: number, repeatOf?: string): TrialState {
  return { id, index, params: { learning_rate: lr, batch_size: 8, epochs: 1 }, status: 'completed', attempts: 1, epochs: [{ epoch: 1, val_accuracy: value }], ...(repeatOf ? { repeatOf } : {}) };
}

function board(values: Record<string, number[]>): ReturnType<typeof buildLeaderboard> {
  const trials: TrialState[] = [];
  let index = 0;
  for (const [id, vs] of Object.entries(values)) {
    const lr = 1e-3 * (index + 1);
    vs.forEach((v, k) => trials.push(trial(k === 0 ? id : `${id}-r${k}`, index++, lr, v, k === 0 ? undefined : id)));
  }
  const state: SweepState = { completed: true, trials: new Map(trials.map((t) => [t.id, t])), lastSeq: 0 };
  const spec = { name: 's', objective: { metric: 'val_accuracy', goal: 'maximize' }, parameters: {}, task: { type: 'classification' } };
  return buildLeaderboard({ spec, state });
}

describe('repeats in the report', () => {
  it('ranks configurations by their mean, not their luckiest run, and marks overlapping ones a tie', () => {
    // a: one lucky run (0.95) but a mean of 0.85; b: steady 0.88.
    const lb = board({ a: [0.95, 0.8, 0.8], b: [0.88, 0.87, 0.89] });
    expect(lb.rows.map((r) => [r.id, r.rank])).toEqual([['b', 1], ['b-r1', 1], ['b-r2', 1], ['a', 2], ['a-r1', 2], ['a-r2', 2]]);
    expect(lb.rows[0]!.repeats).toEqual({ n: 3, mean: expect.closeTo(0.88, 12), sd: expect.closeTo(0.01, 12) });
    expect(lb.rows[4]!.repeatOf).toBe('a');
    // b 0.88 ± 0.01 and a 0.85 ± 0.0866 overlap.
    expect(lb.rows.filter((r) => r.tie).map((r) => r.id)).toEqual(['b', 'b-r1', 'b-r2', 'a', 'a-r1', 'a-r2']);
    expect(lb.notes[0]).toMatch(/^tie: b 0\.8800 ± 0\.0100 \(n 3\), a 0\.8500 ± 0\.0866 \(n 3\) — their mean ± sd intervals overlap, so the ranking among them is within noise$/);
  });

  it('no tie where the intervals are apart, and a sweep without repeats is reported as before', () => {
    const lb = board({ a: [0.9, 0.91], b: [0.8, 0.81], c: [0.7] });
    expect(lb.rows.some((r) => r.tie)).toBe(false);
    expect(lb.notes.some((n) => n.startsWith('tie'))).toBe(false);
    expect(lb.rows.find((r) => r.id === 'c')!.repeats).toBeUndefined();
    const plain = board({ a: [0.9], b: [0.8] });
    expect(plain.rows.map((r) => r.rank)).toEqual([1, 2]);
    expect(plain.rows.some((r) => 'repeats' in r)).toBe(false);
  });

  it('withinNoise: overlap of mean ± sd; a single run ties with nothing', () => {
    expect(withinNoise(repeatStats([1, 2]), repeatStats([2, 3]))).toBe(true);
    expect(withinNoise(repeatStats([1, 1.1]), repeatStats([2, 2.1]))).toBe(false);
    expect(withinNoise(repeatStats([1]), repeatStats([1, 1.1]))).toBe(false);
    expect(repeatStats([0.7, 0.7, 0.7])).toEqual({ n: 3, mean: 0.7, sd: 0 });
  });
});
