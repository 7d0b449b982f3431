// Reports on the step axis (issue 21 item 6): a one-epoch sweep evaluated every 10 steps ranks,
// tabulates and draws its trials by step, with epoch marks, while an epoch-only sweep keeps its
// epoch axis and its columns.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render/report.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { curveSvg } from '../../src/report/charts/curve.js';
import { compareSvg } from '../../src/report/charts/compare.js';
import { epochMarks, progressKind } from '../../src/report/view/progress.js';
import { foldTrials } from '../../src/store/fold.js';
import { expandTrials } from '../../src/sweep/expand.js';
import { interruptedSweep, stepSweep, type DemoSweep } from './sweep-fixture.js';

const input = (s: DemoSweep) => ({ spec: s.spec, state: foldTrials(s.events), planned: expandTrials(s.spec) });

/** The x labels of a chart's axis (the tick texts under the plot) and its x title. */
function xAxis(svg: string): { title: string; ticks: string[] } {
  const axes = svg.match(/<g class="axes"[^>]*>(.*?)<\/g>/s)![1];
  const ticks = [...axes.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);
  const title = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">([^<]*)<\/text>/g)][0][1];
  return { title, ticks };
}

describe('a step-keyed sweep (one epoch, an evaluation every 10 steps)', () => {
  const sweep = stepSweep();
  const lb = buildLeaderboard(input(sweep));

  it('ranks by the best evaluation and names its step beside its epoch', () => {
    const first = lb.rows[0];
    // Batch 8 runs 60 steps and bottoms out at step 40 (epoch 0.6667); batch 16 at step 20 of 30.
    for (const row of lb.rows) {
      const steps = row.params.batch_size === 8 ? 60 : 30;
      expect(row.best?.step).toBe(steps === 60 ? 40 : 20);
      expect(row.best?.epoch).toBeCloseTo(2 / 3, 3);
    }
    expect(first.best).toEqual({ epoch: 0.6667, step: 40, value: 0.3 });
  });

  it('CSV has best_step beside best_epoch; the table shows both', () => {
    const csv = renderReport(input(sweep), { format: 'csv' }).split('\r\n');
    const header = csv[0].split(',');
    expect(header.indexOf('best_step')).toBe(header.indexOf('best_val_loss') + 1);
    expect(header.indexOf('best_epoch')).toBe(header.indexOf('best_step') + 1);
    const firstRow = csv[1].split(',');
    expect(firstRow[header.indexOf('best_step')]).toBe('40');
    expect(firstRow[header.indexOf('best_epoch')]).toBe('0.6667');
    const table = renderReport(input(sweep), { format: 'table' });
    expect(table).toMatch(/best step\s*│\s*best epoch/);
    expect(table.split('\n').find((l) => l.includes(lb.rows[0].id))).toMatch(/│\s+40 │\s+0\.67 │/);
  });

  it('the JSON curve points carry their step and epoch, and the best its step', () => {
    const json = JSON.parse(renderReport(input(sweep), { format: 'json' }));
    const row = json.rows.find((r: { id: string }) => r.id === lb.rows[0].id);
    expect(row.best).toEqual({ epoch: 0.6667, step: 40, value: 0.3 });
    expect(row.curve.map((p: { step: number }) => p.step)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(row.curve.map((p: { epoch: number }) => p.epoch)).toEqual([0.1667, 0.3333, 0.5, 0.6667, 0.8333, 1]);
  });

  it("draws a trial's curve on steps, with its points at their steps, the best at step 40 and the epoch's end marked", () => {
    const row = lb.rows[0];
    const svg = curveSvg(row, lb);
    const axis = xAxis(svg);
    expect(axis.title).toBe('step');
    expect(axis.ticks.every((t) => Number.isInteger(Number(t)))).toBe(true);
    expect(Number(axis.ticks.at(-1))).toBeGreaterThanOrEqual(60);
    expect(svg).toContain('<title>val loss step 40 (epoch 0.67): 0.3</title>');
    expect(svg.match(/<title>val loss /g)).toHaveLength(6);
    expect(svg).toMatch(/<g class="epoch-marks"[^>]*><line [^>]*\/><text [^>]*>ep 1<\/text><\/g>/);
    // The best rule and the point at step 40 share their x.
    const bestX = svg.match(/<g class="mark-rule"><line x1="([\d.]+)"/)![1];
    const dot40 = svg.match(/<path d="M([\d.]+),[\d.]+a3[^"]*" fill="#f97316"><title>val loss step 40 /)![1];
    expect(Number(dot40) + 3).toBeCloseTo(Number(bestX), 0);
  });

  it('compares trials on steps; epoch marks only where the trials agree on where an epoch ends', () => {
    const b8 = lb.rows.filter((r) => r.params.batch_size === 8);
    const mixed = [lb.rows.find((r) => r.params.batch_size === 8)!, lb.rows.find((r) => r.params.batch_size === 16)!];
    const same = compareSvg(b8, lb);
    expect(xAxis(same).title).toBe('step');
    expect(same).toContain('class="epoch-marks"');
    const other = compareSvg(mixed, lb);
    expect(xAxis(other).title).toBe('step');
    expect(other).not.toContain('class="epoch-marks"');
  });

  it('places epoch marks at the step where each whole epoch ended', () => {
    expect(epochMarks([{ epoch: 0.5, step: 10 }, { epoch: 1, step: 20 }, { epoch: 1.5, step: 30 }, { epoch: 2, step: 40 }, { epoch: 2.5, step: 50 }])).toEqual([
      { epoch: 1, step: 20 },
      { epoch: 2, step: 40 },
    ]);
    // Without an evaluation at the epoch's end: from the steps per epoch the points show.
    expect(epochMarks([{ epoch: 0.75, step: 30 }, { epoch: 1.5, step: 60 }])).toEqual([{ epoch: 1, step: 40 }]);
    expect(epochMarks([{ epoch: 1 }, { epoch: 2 }])).toEqual([]);
  });
});

describe('an epoch-only sweep', () => {
  const sweep = interruptedSweep();
  const lb = buildLeaderboard(input(sweep));

  it('keeps the epoch axis, no best_step column, no step in its best', () => {
    expect(progressKind(lb.rows.map((r) => r.curve))).toBe('epoch');
    const csv = renderReport(input(sweep), { format: 'csv' });
    expect(csv.split('\r\n')[0]).not.toContain('best_step');
    expect(renderReport(input(sweep), { format: 'table' })).not.toContain('best step');
    for (const row of lb.rows) expect(row.best === undefined || !('step' in row.best)).toBe(true);
    const svg = curveSvg(lb.rows[0], lb);
    expect(xAxis(svg).title).toBe('epoch');
    expect(xAxis(svg).ticks).toEqual(['1', '2', '3', '4', '5']);
    expect(svg).not.toContain('epoch-marks');
    expect(svg).toMatch(/<title>val loss epoch 2: [\d.]+<\/title>/);
  });
});
