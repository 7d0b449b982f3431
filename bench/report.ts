// Report seconds per format at 1,000 and 10,000 trials, on synthetic sweeps written straight into a
// journal (bench/sweep-journal.ts). Measured from the store's folded state to the finished string
// (leaderboard, diagnosis, Pareto, importance, suggestion, rendering), plus reading the store once.
// Run: `npm run build && node dist/bench/report.js`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../src/report/render.js';
import { readSweep } from '../src/store/read.js';
import { writeSyntheticSweep } from './sweep-journal.js';

export interface ReportBench {
  trials: number;
  readSeconds: number;
  seconds: Record<ReportFormat, number>;
}

export async function benchReport(sizes: readonly number[] = [1000, 10_000]): Promise<ReportBench[]> {
  const root = await mkdtemp(join(tmpdir(), 'finesweep-bench-report-'));
  try {
    const out: ReportBench[] = [];
    for (const n of sizes) {
      const dir = await writeSyntheticSweep(root, n);
      let t = performance.now();
      const sweep = await readSweep(dir);
      const readSeconds = (performance.now() - t) / 1000;
      const input = { spec: sweep.spec, state: sweep.state, dir };
      const seconds = {} as Record<ReportFormat, number>;
      for (const format of REPORT_FORMATS) {
        t = performance.now();
        // The table's layout (cli-table3) is timed as `finesweep report` prints it by default.
        await renderReport(input, { format, ...(format === 'table' ? { top: 20 } : {}) });
        seconds[format] = (performance.now() - t) / 1000;
      }
      out.push({ trials: n, readSeconds, seconds });
    }
    return out;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export function formatReport(rows: readonly ReportBench[]): string {
  const lines = [`| format | ${rows.map((r) => `${r.trials.toLocaleString('en-US')} trials`).join(' | ')} | ratio |`, `|---|${rows.map(() => '---|').join('')}---|`];
  for (const f of REPORT_FORMATS) {
    const s = rows.map((r) => r.seconds[f]);
    lines.push(`| ${f}${f === 'table' ? ' (top 20)' : ''} | ${s.map((x) => `${x.toFixed(2)} s`).join(' | ')} | ${(s.at(-1)! / s[0]).toFixed(1)}× |`);
  }
  lines.push(`| reading the store | ${rows.map((r) => `${r.readSeconds.toFixed(2)} s`).join(' | ')} | ${(rows.at(-1)!.readSeconds / rows[0].readSeconds).toFixed(1)}× |`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatReport(await benchReport()));
}
