import { describe, expect, it } from 'vitest';
import { fmtNum, fmtSci, fmtSeconds } from '../../src/report/format.js';
import { renderReport } from '../../src/report/render/report.js';
import { CURVES, dataReport, epochs, params, sweep, trial } from './curves.js';
import { mainJob } from './main-job.js';

const spec = {
  name: 'demo',
  task: { type: 'classification' },
  objective: { metric: 'val_loss', goal: 'minimize' },
  parameters: {
    learning_rate: { values: [1e-5, 3e-4, 1e-3] },
    batch_size: { values: [8, 16] },
    epochs: { value: 5 },
    method: { values: ['full', 'head, "quoted"'] },
  },
};

function state() {
  return sweep([
    trial('t-overfit', CURVES.overfit, { params: params(1e-3, 8, 5, { method: 'full' }) }),
    trial('t-healthy', CURVES.healthy, { params: params(3e-4, 16, 5, { method: 'head, "quoted"' }), seconds: 125.4 }),
    trial('t-diverged', CURVES.divergedNaN, { params: params(1e-3, 16, 5, { method: 'full' }), status: 'diverged', reason: 'loss is NaN\nat step 12' }),
    trial('t-running', epochs([0.6, 0.5], [0.55, 0.5]), { params: params(1e-5, 8, 5, { method: 'full' }), status: 'running', seconds: undefined }),
    trial('t-pending', [], { params: params(1e-5, 16, 5, { method: '=1+1' }), status: 'pending' }),
  ], { completed: false });
}

/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += c;
  }
  return rows;
}

describe('number formatting', () => {
  it('prints learning rates in scientific notation and other numbers to sensible digits', () => {
    expect(fmtSci(3e-4)).toBe('3e-4');
    expect(fmtSci(2.5e-5)).toBe('2.5e-5');
    expect(fmtNum(0.123456)).toBe('0.1235');
    expect(fmtNum(12.3456)).toBe('12.35');
    expect(fmtNum(0.00001234)).toBe('1.234e-5');
    expect(fmtNum(Number.NaN)).toBe('NaN');
    expect(fmtSeconds(8.24)).toBe('8.2s');
    expect(fmtSeconds(125.4)).toBe('2m05s');
    expect(fmtSeconds(3725)).toBe('1h02m');
  });
});

describe('leaderboard formats', () => {
  it('table: ranked trials first, the rest marked, advice under the table', () => {
    const text = renderReport({ spec, state: state() }, { format: 'table' });
    const lines = text.split('\n');
    const rowOf = (id: string) => lines.findIndex((l) => l.includes(id));
    expect(rowOf('t-healthy')).toBeLessThan(rowOf('t-overfit'));
    expect(rowOf('t-overfit')).toBeLessThan(rowOf('t-running'));
    expect(rowOf('t-running')).toBeLessThan(rowOf('t-diverged'));
    expect(rowOf('t-diverged')).toBeLessThan(rowOf('t-pending'));
    expect(lines[rowOf('t-healthy')]).toMatch(/│ +1 │ t-healthy +│ 3e-4 +│ +16 │ +5 │/);
    expect(lines[rowOf('t-running')]).toMatch(/│ +– │ t-running .*│ +2\/5 │.*running/);
    // One recommendation a trial, with the evidence it rests on (here the trial's own curve).
    expect(text).toMatch(/^overfitting \(t-overfit\): fewer epochs: val loss turned at epoch 2 \(0\.45\) and rose to 0\.72 by epoch 5$/m);
    expect(text).toMatch(/^diverged \(t-diverged\): lower the learning rate: train loss 0\.6 at epoch 1 → NaN at epoch 3$/m);
    expect(text).toMatch(/^t-diverged diverged: loss is NaN$/m);
    expect(text).toMatch(/^Sweep demo — val_loss \(minimize\) · 5 trials: 2 completed, 1 running, 1 pending, 1 diverged/);
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderReport({ spec, state: state() }, { format: 'table', color: true })).toMatch(/\u001b\[/);
  });

  it('--top keeps the first N rows and says how many were left out', () => {
    const text = renderReport({ spec, state: state() }, { format: 'table', top: 2 });
    expect(text).toContain('t-overfit');
    expect(text).not.toContain('t-running');
    expect(text).toMatch(/^… 3 more \(--top N, --all\)$/m);
  });

  it('md: a Markdown table that parses back to the same rows and cells', () => {
    const text = renderReport({ spec, state: state() }, { format: 'md' });
    const table = text.split('\n').filter((l) => l.startsWith('|'));
    const split = (l: string) => l.slice(2, -2).split(/ (?<!\\)\| /).map((c) => c.replace(/\\(.)/g, '$1'));
    const [head, rule, ...rows] = table.map(split);
    expect(head).toEqual(['rank', 'trial', 'lr', 'batch', 'epochs', 'method', 'best val_loss', 'best epoch', 'train loss', 'val loss', 'gap', 'time', 'status', 'flags', 'recommendation']);
    expect(rule.length).toBe(head.length);
    expect(rows.map((r) => r[1])).toEqual(['t-healthy', 't-overfit', 't-running', 't-diverged', 't-pending']);
    for (const r of rows) expect(r.length).toBe(head.length);
    expect(rows[0]).toEqual(['1', 't-healthy', '3e-4', '16', '5', 'head, "quoted"', '0.299', '4', '0.2', '0.299', '0.099', '2m05s', 'completed', '', '']);
    expect(rows[1][13]).toBe('overfitting');
    expect(rows[1][14]).toBe('fewer epochs: val loss turned at epoch 2 (0.45) and rose to 0.72 by epoch 5');
    expect(text).toContain('- overfitting (t-overfit): fewer epochs: val loss turned at epoch 2');
  });

  it('md: the importance bars under the table stay aligned (a code block under their item)', () => {
    const grid = { name: 'spam-grid', task: { type: 'classification', method: 'full' }, objective: { metric: 'val_accuracy', goal: 'maximize' } };
    const text = renderReport({ spec: grid, state: sweep(mainJob()) }, { format: 'md' });
    const block = /^- parameter importance: .*\n {2}```text\n((?: {2}.*\n)+?) {2}```$/m.exec(text);
    expect(block).not.toBeNull();
    const bars = block![1].split('\n').filter((l) => /[█▏▎▍▌▋▊▉]/.test(l));
    expect(bars.length).toBeGreaterThanOrEqual(3);
    // Every bar starts in the same column and its value ends in the same column.
    expect(new Set(bars.map((l) => l.search(/[█▏▎▍▌▋▊▉]/))).size).toBe(1);
    expect(new Set(bars.map((l) => l.length)).size).toBe(1);
  });

  it('csv: one record per trial with full-precision numbers, quoting what needs it', () => {
    const text = renderReport({ spec, state: state() }, { format: 'csv' });
    const [head, ...rows] = parseCsv(text);
    expect(head).toEqual(['rank', 'trial', 'learning_rate', 'batch_size', 'epochs', 'method', 'best_val_loss', 'best_epoch', 'final_train_loss', 'final_val_loss', 'gap', 'seconds', 'status', 'flags', 'recommendation']);
    expect(rows.map((r) => r[1])).toEqual(['t-healthy', 't-overfit', 't-running', 't-diverged', 't-pending']);
    const healthy = Object.fromEntries(head.map((h, i) => [h, rows[0][i]]));
    expect(healthy).toMatchObject({ rank: '1', learning_rate: '0.0003', method: 'head, "quoted"', best_val_loss: '0.299', best_epoch: '4', seconds: '125.4', status: 'completed', flags: '' });
    expect(Number(healthy.gap)).toBeCloseTo(0.099, 12);
    // A value a spreadsheet would run as a formula is defused.
    expect(rows[4][5]).toBe("'=1+1");
    expect(rows[3][13]).toBe('diverged');
    expect(rows[3][14]).toBe('lower the learning rate: train loss 0.6 at epoch 1 → NaN at epoch 3');
  });

  it('json: the leaderboard with rows, flags and curves, NaN written as a string', () => {
    const lb = JSON.parse(renderReport({ spec, state: state() }, { format: 'json' }));
    expect(lb.name).toBe('demo');
    expect(lb.objective).toEqual({ metric: 'val_loss', goal: 'minimize' });
    expect(lb.paramColumns).toEqual(['learning_rate', 'batch_size', 'epochs', 'method']);
    expect(lb.rows.map((r: { id: string }) => r.id)).toEqual(['t-healthy', 't-overfit', 't-running', 't-diverged', 't-pending']);
    expect(lb.rows[1].flags).toEqual([expect.objectContaining({ name: 'overfitting', epoch: 2 })]);
    expect(lb.rows[1].best).toEqual({ epoch: 2, value: 0.45 });
    expect(lb.rows[3].curve[2].train_loss).toBe('NaN');
    expect(lb.counts).toEqual({ completed: 2, diverged: 1, running: 1, pending: 1 });
    expect(lb.completed).toBe(false);
  });

  it('puts a leakage warning above the table and escapes markup in Markdown', () => {
    const leaky = sweep([trial('t-1', CURVES.healthy, { dataReport: dataReport(2) })], { name: '<b>x</b>|y' });
    const table = renderReport({ spec, state: leaky }, { format: 'table' });
    expect(table.split('\n')[1]).toBe('LEAKAGE: 2 examples appear in both train and validation; validation scores are not to be trusted');
    expect(table).toMatch(/│ t-1 .*│ leakage +│/);
    const md = renderReport({ spec, state: leaky }, { format: 'md' });
    expect(md.split('\n')[0]).toBe('## Sweep &lt;b&gt;x&lt;/b&gt;\\|y');
    expect(md).toContain('> **LEAKAGE: 2 examples appear in both train and validation; validation scores are not to be trusted**');
  });
});

describe('early-stopped trials', () => {
  it('show where they stopped (the ASHA rung, or the epoch) and why', () => {
    const stopped = sweep([
      trial('t-healthy', CURVES.healthy, { params: params(3e-4, 16, 5, { method: 'full' }) }),
      trial('t-asha', epochs([0.7], [0.69]), { params: params(1e-5, 8, 5, { method: 'full' }), status: 'stopped_early', rung: 0, reason: 'asha: not in the top 1/3 at rung 0 (epoch 1)' }),
      trial('t-median', epochs([0.7, 0.68], [0.69, 0.68]), { params: params(1e-5, 16, 5, { method: 'full' }), status: 'stopped_early', reason: 'median: worse than the median at epoch 2' }),
    ]);
    const md = renderReport({ spec, state: stopped }, { format: 'md' });
    expect(md).toContain('stopped early (rung 0)');
    expect(md).toContain('stopped early (epoch 2)');
    expect(md).toContain('t-asha stopped early: asha: not in the top 1/3 at rung 0 (epoch 1)');
    expect(md).toContain('t-median stopped early: median: worse than the median at epoch 2');
  });
});
