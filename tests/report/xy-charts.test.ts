// The report's x/y charts and heatmap, written as SVG without vega (src/report/charts/: xy.ts, curve.ts,
// lr.ts and the Pareto plot in report-charts.ts): built from real leaderboards, checked for their
// marks, their scales (epochs 1..n, the learning rate in log space, the best cells darkest) and that
// markup in ids, parameters and metrics stays text.
import { describe, expect, it } from 'vitest';
import { renderCharts } from '../../src/report/charts/report-charts.js';
import { curveSvg } from '../../src/report/charts/curve.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { blues, heatmapSvg, lrSvg } from '../../src/report/charts/lr.js';
import { viridis } from '../../src/report/charts/parallel.js';
import { CURVES, epochs, params, sweep, trial } from './curves.js';

const MARKUP = '<img src=x onerror="alert(1)">';

/** The inside of the first group with this class. */
function group(svg: string, cls: string): string {
  const m = svg.match(new RegExp(`<g class="${cls}"[^>]*>([\\s\\S]*?)</g>`));
  return m ? m[1] : '';
}
const lineCoords = (d: string): number[][] => d.split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number));
const paths = (inner: string): string[] => [...inner.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
/** A dot's centre from its path (M cx-r,cy a ...). */
const centre = (d: string): [number, number] => {
  const m = d.match(/^M([\d.-]+),([\d.-]+)a([\d.]+)/)!;
  return [Number(m[1]) + Number(m[3]), Number(m[2])];
};

describe('learning curves', () => {
  it('keeps evaluations within an epoch (fractional epochs, every N steps) on the plot, in order', () => {
    const curve = [0.25, 0.5, 0.75, 1, 1.25, 1.5].map((epoch, i) => ({ epoch, step: (i + 1) * 10, train_loss: 0.7 - i / 20, val_loss: 0.72 - i / 25, seconds: 1 }));
    const lb = buildLeaderboard({ spec: {}, state: sweep([trial('steps', curve, { params: params(1e-3, 8, 2) })]) });
    for (const svg of [curveSvg(lb.rows[0], lb)]) {
      const frame = svg.match(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/)!;
      const [left, width] = [Number(frame[1]), Number(frame[2])];
      const xs = paths(group(svg, 'mark-symbol')).map((d) => centre(d)[0]);
      expect(xs).toHaveLength(12);
      for (const x of xs) expect(x).toBeGreaterThanOrEqual(left - 0.5), expect(x).toBeLessThanOrEqual(left + width + 0.5);
      const train = xs.slice(0, 6);
      expect([...train].sort((a, b) => a - b)).toEqual(train);
      // On the step axis (0 to the last step, 60): step 10 a sixth of the way, step 60 at the right edge.
      expect(train[0]).toBeCloseTo(left + width / 6, 0);
      expect(train[5]).toBeCloseTo(left + width, 0);
    }
  });

  it('draws train (dashed) and val loss per epoch with a point each, the best epoch and the overfitting rule', () => {
    const lb = buildLeaderboard({ spec: {}, state: sweep([trial('o', CURVES.overfit, { params: params(1e-3, 8, 5) })]) });
    const svg = curveSvg(lb.rows[0], lb);
    const lines = paths(group(svg, 'mark-line'));
    expect(lines).toHaveLength(2);
    const [train, val] = lines.map(lineCoords);
    expect(train).toHaveLength(5);
    expect(val).toHaveLength(5);
    // Epoch 1 at the left edge, epoch 5 at the right, evenly spaced.
    const xs = train.map((p) => p[0]);
    expect(xs[2] - xs[0]).toBeCloseTo(xs[4] - xs[2], 0);
    expect(val.map((p) => p[0])).toEqual(xs);
    // A lower loss is drawn lower (SVG's y grows downward): train loss falls from 0.6 to 0.05.
    expect(train[4][1]).toBeGreaterThan(train[0][1]);
    expect(svg).toMatch(/<g class="mark-line"[^>]*><path d="[^"]+" stroke="#2563eb" stroke-dasharray="4,3"\/><path d="[^"]+" stroke="#f97316"\/>/);
    expect(paths(group(svg, 'mark-symbol'))).toHaveLength(10);
    const rules = group(svg, 'mark-rule');
    expect(rules.match(/stroke="#dc2626"/g)).toHaveLength(1);
    expect(rules.match(/stroke="#16a34a"/g)).toHaveLength(1);
    // Both rules at epoch 2 (the best val loss, where overfitting begins): the second point's x.
    for (const m of rules.matchAll(/<line x1="([\d.]+)"/g)) expect(Number(m[1])).toBeCloseTo(xs[1], 0);
    expect(group(svg, 'mark-text')).toContain('overfitting from epoch 2');
    expect(svg).toContain('<text class="title" x="0" y="14" font-size="13" font-weight="600" fill="#111827">#1 o (completed)</text>');
    expect(svg).toMatch(/>train loss<\/text>.*>val loss<\/text>/s);
  });

  it('escapes markup in the trial id and parameter values', () => {
    const lb = buildLeaderboard({ spec: {}, state: sweep([trial(MARKUP, CURVES.healthy, { params: params(1e-4, 8, 4, { method: MARKUP }) })]) });
    const svg = curveSvg(lb.rows[0], lb);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('draws one epoch in the middle, and no line for a loss that never was finite', () => {
    const lb = buildLeaderboard({ spec: {}, state: sweep([trial('one', epochs([0.5], [Number.NaN]))]) });
    const svg = curveSvg(lb.rows[0], lb);
    expect(paths(group(svg, 'mark-line'))).toHaveLength(1);
    expect(svg).not.toContain('NaN');
  });
});

describe('the learning-rate plot and heatmap', () => {
  const grid = () => {
    const t = (id: string, lr: number, bs: number, last: number) => trial(id, epochs([0.6, 0.4], [0.6, last]), { params: params(lr, bs, 2) });
    return buildLeaderboard({ spec: {}, state: sweep([t('a', 1e-5, 8, 0.5), t('b', 1e-4, 8, 0.3), t('c', 1e-3, 8, 0.4), t('d', 1e-4, 16, 0.35)]) });
  };

  it('puts learning rates on a log axis, one line per batch size, coloured along viridis', () => {
    const svg = lrSvg(grid())!;
    const lines = paths(group(svg, 'mark-line'));
    expect(lines).toHaveLength(2);
    const [b8] = lines.map(lineCoords);
    expect(b8).toHaveLength(3);
    // 1e-5, 1e-4, 1e-3 evenly spaced in log space.
    expect(b8[1][0] - b8[0][0]).toBeCloseTo(b8[2][0] - b8[1][0], 0);
    expect(svg).toContain(`stroke="${viridis(0)}"`);
    expect(svg).toContain(`stroke="${viridis(1)}"`);
    expect(paths(group(svg, 'mark-symbol'))).toHaveLength(4);
    expect(centre(paths(group(svg, 'mark-symbol'))[0])[0]).toBeCloseTo(b8[0][0], 0);
    for (const label of ['1e-5', '1e-4', '1e-3', 'learning rate (log)', 'batch size']) expect(svg).toContain(`>${label}</text>`);
  });

  it('draws one cell per (lr, batch), the best darkest, with its value', () => {
    const svg = heatmapSvg(grid())!;
    const cells = [...group(svg, 'mark-rect').matchAll(/<rect [^>]*fill="([^"]+)"><title>([^<]+)<\/title>/g)].map((m) => [m[2], m[1]]);
    expect(cells).toHaveLength(4);
    const fill = (lr: string, bs: string) => cells.find(([t]) => t.startsWith(`lr ${lr}, batch ${bs}:`))![1];
    expect(fill('1e-4', '8')).toBe(blues(1)); // val_loss 0.3, the best
    expect(fill('1e-5', '8')).toBe(blues(0)); // 0.5, the worst
    expect(group(svg, 'mark-text')).toMatch(/fill="white">0\.3<\/text>/);
    expect(group(svg, 'mark-text')).toMatch(/fill="#111827">0\.5<\/text>/);
  });

  it('escapes the metric', () => {
    const t = (id: string, lr: number) => trial(id, [{ epoch: 1, seconds: 1, train_loss: 0.5, val_loss: 0.4, [MARKUP]: lr * 1000 }], { params: params(lr, 8, 1) });
    const lb = buildLeaderboard({ spec: { objective: { metric: MARKUP, goal: 'maximize' } }, state: sweep([t('a', 1e-4), t('b', 1e-3)]) });
    for (const svg of [lrSvg(lb), heatmapSvg(lb)]) {
      expect(svg).toBeDefined();
      expect(svg).not.toContain('<img');
      expect(svg).toContain('&lt;img src=x');
    }
  });
});

describe('the Pareto plot', () => {
  it('draws every trial on the two metrics, the front as a green step line on top', async () => {
    const at = (id: string, val: number, ppl: number) =>
      trial(id, epochs([0.5, 0.3, 0.25, 0.24], [0.5, 0.4, val, val]), { forgetting: { basePerplexity: 100, finalPerplexity: ppl } });
    const lb = buildLeaderboard({ spec: {}, state: sweep([at('best', 0.3, 900), at('mid', 0.33, 300), at('worse', 0.36, 800), at(MARKUP, 0.5, 105)]) });
    const svg = (await renderCharts(lb)).pareto!;
    expect(svg).toContain('>Pareto front: val_loss vs forgetting</text>');
    const symbols = group(svg, 'mark-symbol');
    expect(paths(symbols)).toHaveLength(4);
    // The one dominated trial first, grey; the three on the front after it.
    expect([...symbols.matchAll(/fill="(#[0-9a-f]+)"/g)].map((m) => m[1])).toEqual(['#9ca3af', '#16a34a', '#16a34a', '#16a34a']);
    const front = paths(group(svg, 'mark-line'));
    expect(front).toHaveLength(1);
    expect(front[0].match(/H/g)).toHaveLength(2);
    // Forgetting on a percentage axis.
    expect(svg).toMatch(/>\d+%<\/text>/);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x');
  });
});

describe('the axes', () => {
  it('labels epochs with whole numbers, at most ~8 of them, 1 at the left edge and the last at the right', async () => {
    const { epochAxis, logAxis } = await import('../../src/report/charts/xy.js');
    const a = epochAxis(20);
    expect(a.ticks.map((t) => t.label)).toEqual(['1', '4', '7', '10', '13', '16', '19']);
    expect([a.at(1), a.at(20)]).toEqual([0, 1]);
    expect(epochAxis(1).at(1)).toBe(0.5);
    // A log axis spans whole decades around the data; given tick values are kept, thinned past 8.
    const l = logAxis('lr', [3e-5, 2e-3], (v) => String(v));
    expect([l.at(1e-5), l.at(1e-2)]).toEqual([0, 1]);
    expect(l.at(1e-4)).toBeCloseTo(1 / 3, 12);
    expect(l.ticks).toHaveLength(4);
    const many = Array.from({ length: 12 }, (_, i) => 10 ** (-8 + i));
    expect(logAxis('lr', many, String, many).ticks.length).toBeLessThanOrEqual(8);
  });
});
