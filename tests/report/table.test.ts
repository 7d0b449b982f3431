// The terminal leaderboard: fits a terminal's width by leaving out lower-value columns (and saying
// so), keeps what a reader needs, shows the top 20 by default, colours only when asked.
import { describe, expect, it } from 'vitest';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { renderReport } from '../../src/report/render/report.js';
import { DROP_ORDER, renderTable } from '../../src/report/render/table.js';
import { CURVES, dataReport, epochs, params, sweep, trial } from './curves.js';

const spec = {
  name: 'wide',
  task: { type: 'classification' },
  objective: { metric: 'val_accuracy', goal: 'maximize' },
  parameters: {
    learning_rate: { values: [1e-5, 3e-4, 1e-3] },
    batch_size: { values: [8, 16] },
    epochs: { value: 5 },
    weight_decay: { values: [0, 0.01] },
    warmup_ratio: { values: [0, 0.1] },
  },
};

/** The main job's shape: three swept parameters, ranked on val_loss. */
const grid = {
  name: 'grid',
  task: { type: 'classification' },
  objective: { metric: 'val_loss', goal: 'minimize' },
  parameters: { learning_rate: { values: [1e-5, 3e-4, 1e-3] }, batch_size: { values: [8, 16] }, epochs: { values: [3, 5] } },
};

const curves = [CURVES.overfit, CURVES.healthy, CURVES.divergedNaN];

function state(n: number, wide = true) {
  return sweep(
    Array.from({ length: n }, (_, i) =>
      trial(`t${String(i).padStart(3, '0')}-${(0x10000000 + i).toString(16)}`, curves[i % 3], {
        params: params([1e-5, 3e-4, 1e-3][i % 3], [8, 16][i % 2], 5, wide ? { weight_decay: [0, 0.01][i % 2], warmup_ratio: 0.1 } : {}),
        ...(i % 3 === 2 ? { status: 'diverged' as const, reason: 'loss is NaN' } : {}),
      }),
    ),
  );
}
const gridState = (n: number) => state(n, false);

/** The report's prose as one line per item again (a wrapped line continues indented by two). */
const unwrap = (text: string): string => text.replace(/\n {2}(?=\S)/g, ' ');
const visible = (line: string): number => [...line.replace(/\u001b\[[0-9;]*m/g, '')].length;
const tableLines = (text: string): string[] => text.split('\n').filter((l) => /^[┌├└│]/.test(l));
/** The header's lines (one, or two when headers are broken to narrow the table) joined. */
const headerOf = (text: string): string => {
  const lines = tableLines(text);
  return lines.slice(1, lines.findIndex((l) => l.startsWith('├'))).join('\n');
};

describe('terminal leaderboard', () => {
  it('off a TTY (no width) shows every column, like before', () => {
    const text = renderReport({ spec, state: state(6) }, { format: 'table' });
    expect(text).toMatch(/│ rank │ trial +│ lr +│ batch │ epochs │ weight_decay │ warmup_ratio │ best val_accuracy │ best epoch │ train loss │ val loss │ gap +│ time +│ status +│ flags +│/);
    expect(text).not.toMatch(/left out to fit/);
  });

  it.each([60, 80, 100, 150])('at %i columns every table line fits and keeps rank, trial, parameters, objective and flags', (width) => {
    const text = renderReport({ spec: grid, state: gridState(6) }, { format: 'table', table: { width } });
    for (const line of tableLines(text)) expect(visible(line), line).toBeLessThanOrEqual(width);
    const header = headerOf(text);
    for (const h of ['rank', 'trial', 'lr', 'batch', 'epochs', 'val_loss']) expect(header).toContain(h);
    // The flags stay: in their column, or on a line under the row.
    expect(text).toMatch(/overfitting/);
    if (/left out to fit/.test(text)) expect(unwrap(text)).toMatch(new RegExp(`left out to fit ${width} columns: .* \\(--wide or --columns a,b,c shows them\\)`));
  });

  it('leaves out columns in the documented order', () => {
    const lb = buildLeaderboard({ spec: grid, state: gridState(6) });
    const full = tableLines(renderTable(lb))[0].length;
    // Just too narrow for the full table: only the first column of DROP_ORDER goes.
    const text = renderTable(lb, { width: full - 1 });
    expect(text).toMatch(/^left out to fit \d+ columns: time \(--wide/m);
    expect(DROP_ORDER[0]).toBe('seconds');
    const narrow = renderTable(lb, { width: 80 });
    const said = /left out to fit 80 columns: (.*) \(--wide/.exec(narrow)![1].split(', ');
    const headers: Record<string, string> = { seconds: 'time', final_train_loss: 'train loss', gap: 'gap', best_epoch: 'best epoch', final_val_loss: 'val loss', status: 'status' };
    expect(said).toEqual(DROP_ORDER.slice(0, said.length).map((k) => headers[k]));
  });

  it('then breaks headers onto two lines, leaves out parameters that are the same in every trial, and moves the flags under their row', () => {
    const text = renderReport({ spec, state: state(6) }, { format: 'table', table: { width: 80 } });
    for (const line of tableLines(text)) expect(visible(line), line).toBeLessThanOrEqual(80);
    expect(headerOf(text)).toMatch(/│ weight_ │ best +│\n│ .*│ decay +│ val_accuracy │/);
    expect(headerOf(text)).not.toContain('flags');
    expect(text).toMatch(/^│ ↳ overfitting · fewer epochs: .*│$/m);
    expect(unwrap(text)).toMatch(/left out to fit 80 columns: .*, warmup_ratio \(0\.1 in every trial\) \(--wide/);
  });

  it('wraps the lines around the table at word boundaries to the terminal width (80 columns)', () => {
    const input = { spec, state: state(6) };
    const wrapped = renderReport(input, { format: 'table', table: { width: 80 } });
    const free = renderReport(input, { format: 'table' });
    const prose = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !/^[┌├└│]/.test(l));
    const lines = prose(wrapped);
    // Something needed wrapping: off a terminal the same report has a footer line wider than 80.
    expect(prose(free).some((l) => visible(l) > 80)).toBe(true);
    for (const line of lines) expect(visible(line), line).toBeLessThanOrEqual(80);
    // Only whitespace changed, and every word of a long line is still whole on one line.
    const words = (ls: string[]): string[] => ls.join(' ').split(/\s+/).filter(Boolean);
    expect(words(lines).join(' ')).toContain(words(prose(free).slice(1)).join(' '));
    const long = prose(free).find((l) => visible(l) > 80)!;
    for (const word of long.split(/\s+/).filter((w) => w.length > 0 && w.length < 60)) expect(lines.some((l) => l.split(/\s+/).includes(word)), word).toBe(true);
  });

  it('--columns takes any metric the trials reported, at the best evaluation, and suggests the key meant', () => {
    const f1 = (curve: ReturnType<typeof epochs>, values: number[]) => curve.map((e, i) => ({ ...e, val_f1: values[i] }));
    const withF1 = sweep([trial('a', f1(epochs([0.5, 0.3], [0.5, 0.4]), [0.7, 0.8])), trial('b', f1(epochs([0.5, 0.4], [0.45, 0.5]), [0.75, 0.6]))]);
    const text = renderReport({ spec: grid, state: withF1 }, { format: 'table', table: { columns: ['trial', 'best_val_loss', 'val_f1'] } });
    // a's best val_loss is at epoch 2 (f1 0.8 there), b's at epoch 1 (f1 0.75).
    expect(text).toMatch(/│ a +│ +0\.4 │ +0\.8 │/);
    expect(text).toMatch(/│ b +│ +0\.45 │ +0\.75 │/);
    expect(() => renderReport({ spec: grid, state: withF1 }, { format: 'table', table: { columns: ['val_f2'] } })).toThrow(/--columns: unknown column "val_f2" \(did you mean "val_f1"\?\); expected some of rank, trial, .*val_f1/);
  });

  it('lists at most 20 recommendations under the table, each with its own evidence, and says how many more', () => {
    // 30 trials overfitting from 30 different minima: 30 different recommendations.
    const trials = Array.from({ length: 30 }, (_, i) => trial(`o${i}`, epochs([0.5, 0.3, 0.1], [0.5, 0.3 + i / 1000, 0.6]), { params: params(1e-3, 8 + i, 3) }));
    const text = renderReport({ spec: grid, state: sweep(trials) }, { format: 'table', table: { all: true } });
    const lines = text.split('\n').filter((l) => l.startsWith('overfitting ('));
    expect(lines).toHaveLength(20);
    expect(new Set(lines).size).toBe(20);
    expect(text).toMatch(/^… 10 more recommendations, one a trial in the recommendation column/m);
  });

  it("shows a checkpoint's size only for a trial that still has its files (retention removed the others')", () => {
    const training = { ...dataReport(), training: { trainableParameters: 235_400, checkpointBytes: 2_800_000 } } as ReturnType<typeof dataReport>;
    const kept = trial('kept', CURVES.healthy, { dataReport: training, removed: ['checkpoint'] });
    const gone = trial('gone', CURVES.healthy, { dataReport: training, removed: ['checkpoint', 'weights'] });
    const text = renderReport({ spec: grid, state: sweep([kept, gone]) }, { format: 'table', table: { columns: ['trial', 'checkpoint_bytes', 'kept_weights'] } });
    expect(text).toMatch(/│ kept +│ +2\.8MB │ weights │/);
    expect(text).toMatch(/│ gone +│ +– │ –  +│/);
  });

  it('--wide and --columns override the fit', () => {
    const wide = renderReport({ spec, state: state(6) }, { format: 'table', table: { width: 60, wide: true } });
    expect(headerOf(wide)).toContain('time');
    const picked = renderReport({ spec, state: state(6) }, { format: 'table', table: { width: 60, columns: ['rank', 'trial', 'best_val_accuracy'] } });
    expect(tableLines(picked)[1]).toMatch(/^│ rank │ trial +│ best val_accuracy │$/);
    expect(() => renderReport({ spec, state: state(6) }, { format: 'table', table: { columns: ['nope'] } })).toThrow(/--columns: unknown column "nope"/);
  });

  it('shows the top 20 by default and says how many more there are; --all shows every row', () => {
    const text = renderReport({ spec, state: state(45) }, { format: 'table' });
    expect(tableLines(text).filter((l) => /│ t\d{3,}-/.test(l))).toHaveLength(20);
    expect(text).toMatch(/^… 25 more \(--top N, --all\)$/m);
    const all = renderReport({ spec, state: state(45) }, { format: 'table', table: { all: true } });
    expect(tableLines(all).filter((l) => /│ t\d{3,}-/.test(l))).toHaveLength(45);
    expect(all).not.toMatch(/more \(--top N/);
  });

  it('colours statuses and flags only when asked', () => {
    const plain = renderReport({ spec, state: state(6) }, { format: 'table', table: { width: 200 } });
    expect(plain).not.toMatch(/\u001b\[/);
    const coloured = renderReport({ spec, state: state(6) }, { format: 'table', color: true, table: { width: 200, wide: true } });
    expect(coloured).toMatch(/\u001b\[32mcompleted/);
    expect(coloured).toMatch(/\u001b\[31mdiverged/);
    expect(coloured).toMatch(/\u001b\[33moverfitting/);
    // Colours do not change the layout.
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderReport({ spec, state: state(6) }, { format: 'table', table: { width: 200, wide: true } }));
  });

  it('renders 10,000 rows with --all', () => {
    const text = renderReport({ spec, state: state(10_000) }, { format: 'table', table: { all: true } });
    expect(tableLines(text).filter((l) => /│ t\d{3,}-/.test(l))).toHaveLength(10_000);
  });
});
