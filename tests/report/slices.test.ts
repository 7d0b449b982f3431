// The objective-vs-parameter slice plots: a parameter of numbers and words (shots: 8, 32, 128,
// "all") is the data-quantity curve, drawn in its natural order rather than alphabetically.
import { describe, expect, it } from 'vitest';
import { sliceSpecs } from '../../src/report/charts.js';
import type { Leaderboard, LeaderboardRow } from '../../src/report/leaderboard.js';

const row = (id: string, shots: number | string, value: number): LeaderboardRow =>
  ({ id, params: { learning_rate: 1e-3, shots }, best: { epoch: 1, value } }) as unknown as LeaderboardRow;

describe('slice plots', () => {
  it('orders shots as 8, 32, 128, all and keeps every trial as a point', () => {
    const rows = [row('a', 'all', 0.87), row('b', 128, 0.74), row('c', 8, 0.7), row('d', 32, 0.75)];
    const lb = { objective: { metric: 'val_accuracy', goal: 'maximize' }, paramColumns: ['learning_rate', 'shots'] } as unknown as Leaderboard;
    const shots = sliceSpecs(lb, rows).find((s) => s.name === 'shots')!;
    const spec = shots.spec as unknown as { data: { values: Array<{ x: string; value: number }> }; encoding: { x: { type: string; sort: string[] } } };
    expect(spec.encoding.x.type).toBe('ordinal');
    expect(spec.encoding.x.sort).toEqual(['8', '32', '128', 'all']);
    expect(spec.data.values.map((p) => [p.x, p.value])).toEqual([['all', 0.87], ['128', 0.74], ['8', 0.7], ['32', 0.75]]);
  });

  it('draws a numeric parameter on a quantitative axis', () => {
    const rows = [row('a', 8, 0.7), row('b', 32, 0.75)];
    const lb = { objective: { metric: 'val_accuracy', goal: 'maximize' }, paramColumns: ['shots'] } as unknown as Leaderboard;
    const spec = sliceSpecs(lb, rows)[0].spec as unknown as { encoding: { x: { type: string } } };
    expect(spec.encoding.x.type).toBe('quantitative');
  });
});
