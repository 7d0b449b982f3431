// The suggested next sweep from recorded leaderboards: each rule moves the range it should, says
// why, and the result is a spec the validator accepts.
import { describe, expect, it } from 'vitest';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { suggestNext, withNextSweep } from '../../src/report/view/next-sweep.js';
import { validateSpec } from '../../src/spec/validate.js';
import { CURVES, epochs, params, sweep, trial } from './curves.js';

const spec = (parameters: Record<string, unknown>) =>
  validateSpec({ name: 'grid', task: { type: 'classification', model: 'm', data: { train: 't.jsonl' } }, parameters }, 'spec.json');

describe('finesweep suggest (the pure part)', () => {
  it('caps the learning rate below the lowest rate that diverged and lifts the floor above rates that all underfit', () => {
    const s = spec({ learning_rate: { values: [1e-6, 1e-4, 1e-3, 1e-2] }, batch_size: { value: 16 }, epochs: { value: 4 } });
    const trials = [
      trial('low', CURVES.underfit, { params: params(1e-6, 16, 4) }),
      trial('mid', CURVES.healthy, { params: params(1e-4, 16, 4) }),
      trial('good', epochs([0.5, 0.3, 0.2, 0.19], [0.4, 0.3, 0.25, 0.249]), { params: params(1e-3, 16, 4) }),
      trial('boom', epochs([0.69, 9, 12, 14], [0.7, 8, 9, 9]), { params: params(1e-2, 16, 4) }),
    ];
    const lb = withNextSweep(buildLeaderboard({ spec: s, state: sweep(trials) }), s);
    const { spec: next, changes } = suggestNext(s, lb);
    const lr = (next.parameters as Record<string, { values: number[] }>).learning_rate.values;
    expect(Math.min(...lr)).toBe(1e-4);
    expect(Math.max(...lr)).toBe(1e-3);
    expect(changes[0].why).toMatch(/lr 1e-2 diverged \(boom\); every trial at lr ≤ 1e-6 underfit/);
    expect(next.name).toBe('grid-next');
    expect(next.$comment).toEqual([expect.stringMatching(/^learning_rate: 1e-6, 1e-4, 1e-3, 1e-2 → 1e-4, .*1e-3: lr 1e-2 diverged/)]);
    expect(() => validateSpec(next, 'next.json')).not.toThrow();
    expect(lb.suggestion).toEqual(changes);
  });

  it('widens past the edge the best trial sits on, and lowers epochs to where the top trials peaked', () => {
    const s = spec({ learning_rate: { values: [1e-5, 1e-4] }, batch_size: { values: [8, 16] }, epochs: { value: 5 } });
    const trials = [1e-5, 1e-4].flatMap((lr) => [8, 16].map((bs) => trial(`${lr}-${bs}`, CURVES.overfit.map((e) => ({ ...e, val_loss: e.val_loss + (lr === 1e-4 ? 0 : 0.1) + (bs === 16 ? 0 : 0.05) })), { params: params(lr, bs, 5) })));
    const { spec: next, changes } = suggestNext(s, buildLeaderboard({ spec: s, state: sweep(trials) }));
    const p = next.parameters as Record<string, { values?: number[]; value?: number }>;
    expect(Math.max(...p.learning_rate.values!)).toBeCloseTo(1e-3, 12);
    expect(Math.max(...p.batch_size.values!)).toBe(32);
    expect(changes.map((c) => c.parameter)).toEqual(['learning_rate', 'batch_size']);
    expect(() => validateSpec(next, 'next.json')).not.toThrow();
  });

  it('writes a two-metric objective back as the list a user writes', () => {
    const s = validateSpec({ name: 'pareto', task: { type: 'classification', model: 'm', data: { train: 't.jsonl' } }, parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { value: 8 }, epochs: { value: 4 } }, objective: [{ metric: 'val_loss' }, { metric: 'seconds' }] }, 's.json');
    const lb = buildLeaderboard({ spec: s, state: sweep([trial('a', CURVES.healthy, { params: params(1e-4, 8, 4) }), trial('b', CURVES.improving, { params: params(1e-3, 8, 4) })]) });
    const { spec: next } = suggestNext(s, lb);
    expect(next.objective).toEqual([{ metric: 'val_loss', goal: 'minimize' }, { metric: 'seconds', goal: 'minimize' }]);
    expect(next.objectives).toBeUndefined();
    expect(validateSpec(next, 'next.json').objectives).toHaveLength(2);
  });
});
