// Report seconds per format at 1,000 and 10,000 trials, on synthetic sweeps written straight into a
// journal (bench/sweep-journal.ts). Measured from the store's folded state to the finished string
// (leaderboard, diagnosis, Pareto, importance, suggestion, rendering), plus reading the store once;
// then at 10,000 through the built CLI, a fresh process a format (start-up, reading and folding the
// journal, the report, writing --out): what a user waits for. `finesweep report --help` is the CLI's fixed
// start-up cost beside it (the report command's modules, no sweep read).
// Run: `npm run build && node dist/bench/report.js`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../src/report/render/report.js';
import { readSweep } from '../src/store/read.js';
import { writeSyntheticSweep } from './sweep-journal.js';

export interface ReportBench {
  trials: number;
  readSeconds: number;
  seconds: Record<ReportFormat, number>;
  /** The terminal table with --all (every row). */
  allSeconds: number;
  /** Through the built CLI, a fresh process each (10,000 only): format (and 'table --all', 'help') → seconds. */
  cli?: Record<string, CliTime>;
}

const BIN = fileURLToPath(new URL('../../bin/finesweep.js', import.meta.url));

/**
 * CPU seconds (user + system) of this process's reaped children, from /proc/self/stat (Linux; clock
 * ticks of 1/100 s); undefined elsewhere. On a loaded machine a command's CPU time says more than its
 * wall time, which waits for the cores.
 */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5) (cutime, cstime) are at 13 and 14 after the command name.
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return undefined;
  }
}

export interface CliTime {
  wall: number;
  cpu?: number;
}

/** Wall and CPU seconds of one `finesweep` command in a fresh process; throws if it fails. */
function cliSeconds(args: string[]): CliTime {
  const c0 = childCpuSeconds();
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - t) / 1000;
  const c1 = childCpuSeconds();
  if (r.status !== 0) throw new Error(`finesweep ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, ...(c0 !== undefined && c1 !== undefined ? { cpu: c1 - c0 } : {}) };
}

export async function benchReport(sizes: readonly number[] = [1000, 10_000], opts: { cli?: boolean } = {}): Promise<ReportBench[]> {
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
        // The table's layout is timed as `finesweep report` prints it by default (top 20).
        await renderReport(input, { format, ...(format === 'table' ? { top: 20 } : {}) });
        seconds[format] = (performance.now() - t) / 1000;
      }
      t = performance.now();
      renderReport(input, { format: 'table', table: { all: true } });
      const allSeconds = (performance.now() - t) / 1000;
      const row: ReportBench = { trials: n, readSeconds, seconds, allSeconds };
      if (opts.cli !== false && n === sizes.at(-1)) {
        const cli: Record<string, CliTime> = { help: cliSeconds(['report', '--help']) };
        for (const format of REPORT_FORMATS) cli[format] = cliSeconds(['report', dir, '--format', format, '--out', join(root, `report.${format}`)]);
        cli['table --all'] = cliSeconds(['report', dir, '--all', '--out', join(root, 'report-all.txt')]);
        row.cli = cli;
      }
      out.push(row);
    }
    return out;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export function formatReport(rows: readonly ReportBench[]): string {
  const ratio = (s: number[]): string => `${(s.at(-1)! / s[0]).toFixed(1)}×`;
  const secs = (s: number[]): string => s.map((x) => `${x.toFixed(2)} s`).join(' | ');
  const lines = [`| format | ${rows.map((r) => `${r.trials.toLocaleString('en-US')} trials`).join(' | ')} | ratio |`, `|---|${rows.map(() => '---|').join('')}---|`];
  for (const f of REPORT_FORMATS) {
    const s = rows.map((r) => r.seconds[f]);
    lines.push(`| ${f}${f === 'table' ? ' (top 20)' : ''} | ${secs(s)} | ${ratio(s)} |`);
  }
  const all = rows.map((r) => r.allSeconds);
  lines.push(`| table --all | ${secs(all)} | ${ratio(all)} |`);
  const read = rows.map((r) => r.readSeconds);
  lines.push(`| reading the store | ${secs(read)} | ${ratio(read)} |`);
  const cli = rows.at(-1)?.cli;
  if (cli) {
    const n = rows.at(-1)!.trials.toLocaleString('en-US');
    lines.push('', `Through the CLI at ${n} trials (a fresh process each, --out a file):`, '', '| command | wall | CPU (user + sys) |', '|---|---|---|');
    for (const [k, v] of Object.entries(cli)) {
      const name = k === 'help' ? 'finesweep report --help (start-up alone)' : `finesweep report --format ${k.replace(' --all', '')}${k.endsWith('--all') ? ' --all' : ''}`;
      lines.push(`| ${name} | ${v.wall.toFixed(2)} s | ${v.cpu !== undefined ? `${v.cpu.toFixed(2)} s` : 'n/a'} |`);
    }
  }
  lines.push('', `load average ${loadavg().map((x) => x.toFixed(1)).join(', ')}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatReport(await benchReport()));
}
