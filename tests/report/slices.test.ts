// The objective-vs-parameter slice plots: a parameter of numbers and words (shots: 8, 32, 128,
// "all") is the data-quantity curve, drawn in its natural order rather than alphabetically.
import { describe, expect, it } from 'vitest';
import { onePerPixel, sliceSpecs } from '../../src/report/charts.js';
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

describe('one point per pixel', () => {
  it('keeps the first (best ranked) point of each pixel and every distinct one', () => {
    const pts = [
      { x: 1, y: 0.5, id: 'a' },
      { x: 1.0001, y: 0.50001, id: 'b' }, // the same pixel as a on a 240 × 160 plot of this range
      { x: 2, y: 0.9, id: 'c' },
      { x: 3, y: 0.1, id: 'd' },
    ];
    expect(onePerPixel(pts, (p) => p.x, (p) => p.y, 240, 160).map((p) => p.id)).toEqual(['a', 'c', 'd']);
    // A key keeps points apart even on one pixel (the Pareto front's trials).
    expect(onePerPixel(pts, (p) => p.x, (p) => p.y, 240, 160, (p) => p.id).map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    // Words on the x axis: one column each.
    const words = [{ x: 'full', y: 1 }, { x: 'head', y: 1 }, { x: 'full', y: 1 }];
    expect(onePerPixel(words, (p) => p.x, (p) => p.y, 240, 160)).toHaveLength(2);
  });
});
