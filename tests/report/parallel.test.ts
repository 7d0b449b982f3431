// The parallel-coordinates plot, written as SVG without vega (src/report/charts/parallel.ts): one path per
// trial through its values, scaled per axis, the learning rate in log space; markup in a parameter
// name, a trial id or the metric stays text; a parameter with no number gets no axis.
import { describe, expect, it } from 'vitest';
import type { Leaderboard, LeaderboardRow } from '../../src/report/view/leaderboard.js';
import { parallelSvg, viridis } from '../../src/report/charts/parallel.js';

const MARKUP = '<img src=x onerror="alert(1)">';
const row = (id: string, params: Record<string, unknown>, value: number): LeaderboardRow =>
  ({ id, params, best: { epoch: 1, value } }) as unknown as LeaderboardRow;
const board = (paramColumns: string[], goal = 'minimize'): Leaderboard =>
  ({ objective: { metric: 'val_loss', goal }, paramColumns }) as unknown as Leaderboard;

/** Each path's points as [x, y]. */
const paths = (svg: string): number[][][] =>
  [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1].split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number)));

describe('parallel coordinates', () => {
  it('draws one path per trial, each axis from its minimum (bottom) to its maximum (top), lr in log space', () => {
    const rows = [row('a', { learning_rate: 1e-5, batch_size: 8 }, 0.2), row('b', { learning_rate: 1e-3, batch_size: 64 }, 0.6), row('c', { learning_rate: 1e-4, batch_size: 8 }, 0.4)];
    const svg = parallelSvg(board(['learning_rate', 'batch_size']), rows)!;
    const ps = paths(svg);
    expect(ps).toHaveLength(3);
    // Drawn worst first, so the best trial (a) is last, on top.
    const [c, b, a] = ps;
    for (const p of ps) expect(p).toHaveLength(3);
    const [top, bottom] = [Math.min(...ps.flat().map((q) => q[1])), Math.max(...ps.flat().map((q) => q[1]))];
    expect(a[0][1]).toBe(bottom); // lr 1e-5: the minimum
    expect(b[0][1]).toBe(top); // lr 1e-3: the maximum
    expect(c[0][1]).toBeCloseTo((top + bottom) / 2, 5); // 1e-4: halfway in log space
    expect(a[2][1]).toBe(bottom); // the best objective at the bottom of its axis
    expect(svg).toContain('learning_rate (log)');
    expect(svg.match(/<title>/g)).toHaveLength(3);
    // The best trial gets viridis' dark end, the worst its light end.
    expect(svg).toContain(`stroke="${viridis(0)}"><title>a</title>`);
    expect(svg).toContain(`stroke="${viridis(1)}"><title>b</title>`);
  });

  it('colours the highest value darkest when higher is better', () => {
    const rows = [row('a', { epochs: 1 }, 0.9), row('b', { epochs: 3 }, 0.5)];
    const svg = parallelSvg(board(['epochs'], 'maximize'), rows)!;
    expect(svg).toContain(`stroke="${viridis(0)}"><title>a</title>`);
  });

  it('escapes markup in parameter names, trial ids and the metric, and skips words and missing values', () => {
    const name = `x${MARKUP}`;
    const rows = [row(MARKUP, { [name]: 1, method: 'full' }, 0.1), row('b', { [name]: 2, method: 'head' }, Number.NaN), row('c', { method: 'head' }, 0.3)];
    const lb = { objective: { metric: MARKUP, goal: 'minimize' }, paramColumns: [name, 'method'] } as unknown as Leaderboard;
    const svg = parallelSvg(lb, rows)!;
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(svg).not.toContain('method'); // no numbers: no axis
    // b has no finite objective: no line; c has no value on the parameter's axis: only the objective's point.
    expect(paths(svg).map((p) => p.length)).toEqual([1, 2]);
  });

  it('draws nothing for fewer than two trials or no numeric parameter', () => {
    expect(parallelSvg(board(['learning_rate']), [row('a', { learning_rate: 1e-3 }, 0.1)])).toBeUndefined();
    expect(parallelSvg(board(['method']), [row('a', { method: 'x' }, 0.1), row('b', { method: 'y' }, 0.2)])).toBeUndefined();
  });
});
