// The terminal leaderboard at scale: seconds to build the leaderboard and to render the table
// (--all, every row) for 1,000 and 10,000 synthetic finished trials, and cli-table3's layout of the
// same rows (the renderer the table replaced) at 1,000 for the ratio.
import Table from 'cli-table3';
import type { DataReport, EpochMetrics } from '../src/trial/types.js';
import { columns } from '../src/report/view/columns.js';
import { buildLeaderboard } from '../src/report/view/leaderboard.js';
import { renderTable } from '../src/report/render/table.js';
import { boxTable } from '../src/report/render/box.js';
import type { SweepState, TrialState } from '../src/store/state.js';

export interface TableBench {
  rows: number;
  buildSeconds: number;
  renderSeconds: number;
  /** cli-table3 laying out the same cells (1,000 rows only). */
  cliTable3Seconds?: number;
}

const spec = {
  name: 'bench-table',
  task: { type: 'classification' },
  objective: { metric: 'val_accuracy', goal: 'maximize' },
  parameters: { learning_rate: { distribution: 'log_uniform', min: 1e-6, max: 1e-1 }, batch_size: { values: [8, 16, 32] }, epochs: { values: [1, 2, 3] } },
  strategy: { type: 'random', trials: 10_000 },
};

const data: DataReport = {
  train: { file: 't', count: 960, emptyTexts: 0, duplicates: 0, truncated: 0, labels: { ham: 672, spam: 288 } },
  validation: { file: 'v', count: 240, emptyTexts: 0, duplicates: 0, truncated: 0, labels: { ham: 168, spam: 72 } },
  leakage: { count: 0, examples: [] },
  warnings: [],
  priorLoss: 0.61,
  majorityRate: 0.7,
};

function syntheticState(n: number): SweepState {
  const trials = new Map<string, TrialState>();
  for (let i = 0; i < n; i++) {
    // A deterministic spread of learning rates and curves: some healthy, some underfit, some overfit.
    const lr = 10 ** (-6 + (5 * ((i * 7919) % n)) / n);
    const epochs = 1 + (i % 3);
    const curve: EpochMetrics[] = Array.from({ length: epochs }, (_, e) => {
      const fit = Math.min(1, lr * 1e3) * (e + 1);
      return { epoch: e + 1, train_loss: 0.69 - 0.2 * fit, val_loss: 0.7 - 0.15 * fit + (lr > 1e-2 ? 0.1 * e : 0), val_accuracy: 0.7 + 0.08 * Math.min(fit, 3), seconds: 6 };
    });
    const id = `t${String(i).padStart(3, '0')}-${(0x10000000 + i).toString(16)}`;
    trials.set(id, { id, index: i, params: { learning_rate: lr, batch_size: [8, 16, 32][i % 3], epochs }, status: 'completed', attempts: 1, epochs: curve, dataReport: data, initialValLoss: 0.7, seconds: 6 * epochs });
  }
  return { name: 'bench-table', completed: true, trials, lastSeq: 0 };
}

function seconds(f: () => unknown): number {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
}

export function benchTable(sizes: readonly number[] = [1_000, 10_000]): TableBench[] {
  return sizes.map((n) => {
    const state = syntheticState(n);
    let lb!: ReturnType<typeof buildLeaderboard>;
    const buildSeconds = seconds(() => (lb = buildLeaderboard({ spec, state })));
    const renderSeconds = seconds(() => renderTable(lb, { all: true }));
    const out: TableBench = { rows: n, buildSeconds, renderSeconds };
    if (n <= 1_000) {
      const cols = columns(lb);
      out.cliTable3Seconds = seconds(() => {
        const t = new Table({ head: cols.map((c) => c.header), colAligns: cols.map((c) => c.align), style: { head: [], border: [], compact: true } });
        for (const row of lb.rows) t.push(cols.map((c) => c.cell(row)));
        return t.toString();
      });
    }
    return out;
  });
}

export interface PlanTableBench {
  rows: number;
  boxSeconds: number;
  cliTable3Seconds: number;
}

/** `finesweep plan`'s table (index, id, four parameters a row) by its renderer and by cli-table3, which it replaced. */
export function benchPlanTable(sizes: readonly number[] = [10_000, 20_000]): PlanTableBench[] {
  return sizes.map((n) => {
    const head = ['#', 'id', 'learning_rate', 'batch_size', 'epochs', 'warmup'];
    const rows = Array.from({ length: n }, (_, i) => [String(i), `t${String(i).padStart(5, '0')}-${(0x10000000 + i).toString(16)}`, (10 ** (-6 + (5 * ((i * 7919) % n)) / n)).toPrecision(3), String([8, 16, 32][i % 3]), String(1 + (i % 3)), String(i % 100)]);
    const boxSeconds = seconds(() => boxTable(head, rows));
    const cliTable3Seconds = seconds(() => {
      const t = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
      for (const row of rows) t.push(row);
      return t.toString();
    });
    return { rows: n, boxSeconds, cliTable3Seconds };
  });
}

export function formatPlanTable(results: readonly PlanTableBench[]): string {
  return results.map((r) => `plan table ${r.rows} rows: ${r.boxSeconds.toFixed(3)} s, cli-table3 ${r.cliTable3Seconds.toFixed(2)} s`).join('\n');
}

export function formatTable(results: readonly TableBench[]): string {
  return results
    .map((r) => `table ${r.rows} rows: leaderboard ${r.buildSeconds.toFixed(2)} s, table --all ${r.renderSeconds.toFixed(3)} s${r.cliTable3Seconds !== undefined ? `, cli-table3 ${r.cliTable3Seconds.toFixed(2)} s` : ''}`)
    .join('\n');
}

// `node dist/bench/table.js` runs this benchmark alone.
if (process.argv[1]?.endsWith('table.js')) process.stdout.write(`${formatTable(benchTable())}\n${formatPlanTable(benchPlanTable())}\n`);
