// The objective-vs-parameter slice plots (SVG written directly, src/report/charts/scatter.ts): a parameter
// of numbers and words (shots: 8, 32, 128, "all") is the data-quantity curve, drawn in its natural
// order rather than alphabetically; numbers get a numeric axis, the learning rate a log one; points
// on one pixel are drawn once; markup stays text.
import { describe, expect, it } from 'vitest';
import { onePerPixel, slicePlots } from '../../src/report/charts/report-charts.js';
import type { Leaderboard, LeaderboardRow } from '../../src/report/view/leaderboard.js';
import { niceTicks, scatterSvg } from '../../src/report/charts/scatter.js';

const row = (id: string, shots: number | string, value: number, lr = 1e-3): LeaderboardRow =>
  ({ id, params: { learning_rate: lr, shots }, best: { epoch: 1, value } }) as unknown as LeaderboardRow;

/** The x-axis labels (the texts under the plot, left to right) and the points' centres. */
const labels = (svg: string): string[] => [...svg.matchAll(/text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);
const circles = (svg: string): Array<[number, number]> => [...svg.matchAll(/<circle cx="([^"]+)" cy="([^"]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);

describe('slice plots', () => {
  it('orders shots as 8, 32, 128, all and keeps every trial as a point', () => {
    const rows = [row('a', 'all', 0.87), row('b', 128, 0.74), row('c', 8, 0.7), row('d', 32, 0.75)];
    const lb = { objective: { metric: 'val_accuracy', goal: 'maximize' }, paramColumns: ['learning_rate', 'shots'] } as unknown as Leaderboard;
    const shots = slicePlots(lb, rows).find((s) => s.name === 'shots')!;
    expect(labels(shots.svg).slice(0, 4)).toEqual(['8', '32', '128', 'all']);
    const pts = circles(shots.svg);
    expect(pts).toHaveLength(4);
    // a (all) is the rightmost column, c (8) the leftmost; the highest value the highest point.
    expect(pts[0][0]).toBe(Math.max(...pts.map((p) => p[0])));
    expect(pts[2][0]).toBe(Math.min(...pts.map((p) => p[0])));
    expect(pts[0][1]).toBe(Math.min(...pts.map((p) => p[1])));
    expect(shots.svg).toContain('<text class="title"');
    expect(shots.svg.endsWith('val_accuracy vs shots</text></svg>')).toBe(true);
  });

  it('draws a numeric parameter on a numeric axis and the learning rate on a log one', () => {
    const rows = [row('a', 8, 0.7, 1e-5), row('b', 32, 0.75, 1e-2)];
    const lb = { objective: { metric: 'val_accuracy', goal: 'maximize' }, paramColumns: ['learning_rate', 'shots'] } as unknown as Leaderboard;
    const [lr, shots] = slicePlots(lb, rows);
    expect(labels(shots.svg)).toEqual(['5', '10', '15', '20', '25', '30', '35']);
    expect(labels(lr.svg)).toEqual(['1e-5', '1e-4', '1e-3', '1e-2']);
    expect(lr.svg).toContain('>learning_rate (log)</text>');
    // 1e-5 .. 1e-2 in log space: 1e-4 would be a third of the way.
    const [p, q] = circles(lr.svg);
    expect(p[0]).toBeLessThan(q[0]);
  });

  it('escapes markup in names and labels', () => {
    const svg = scatterSvg({ title: '<script>x</script>', xTitle: '<b>', yTitle: '"y"', points: [{ x: '<img src=x>', y: 1 }, { x: 'b', y: 2 }], x: 'ordinal' });
    expect(svg).not.toMatch(/<script|<img|<b>/);
    expect(svg).toContain('&lt;img src=x&gt;');
  });

  it('gives round ticks that cover the data, and total ones for any range', () => {
    expect(niceTicks(0.13, 0.87)).toEqual({ ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], lo: 0, hi: 1 });
    expect(niceTicks(5, 5).ticks.length).toBeGreaterThan(1);
    for (const [lo, hi] of [[-1e308, 1e308], [5e-324, 1e-320], [0, 0], [1e300, 1e300]]) {
      const t = niceTicks(lo, hi);
      expect(t.ticks.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(t.lo) && Number.isFinite(t.hi)).toBe(true);
    }
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
