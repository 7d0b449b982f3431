// `finesweep report <sweep-dir>`: the leaderboard of a sweep, finished, running or interrupted.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { atomicWrite } from '../atomic-write.js';
import { InputError, SweepError } from '../errors.js';
import { REPORT_FORMATS, renderReport, writeHtmlReport, type ReportFormat } from '../report/render/report.js';
import type { PlannedTrial } from '../trial/types.js';
import type { ResolvedSpec } from '../spec/types.js';
import { storageFrom } from '../store/open.js';
import { readStoredSweep, readSweep } from '../store/read.js';
import { expandTrials } from '../sweep/expand.js';

interface ReportFlags {
  storage?: string;
  format: string;
  top?: string;
  out?: string;
  all?: boolean;
  wide?: boolean;
  columns?: string;
}

/** The terminal's width when the table goes to one (undefined off a TTY: the full table). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY === true && stream.columns ? stream.columns : undefined;
}

function parseFormat(value: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new InputError(`--format: expected one of ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
}

function parseTop(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`--top: expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * The trials the spec plans (a grid's every point), so the report lists those not started yet as
 * pending. A spec this version cannot expand still gets a report from the journal alone.
 */
function plannedTrials(spec: unknown): PlannedTrial[] {
  try {
    return expandTrials(spec as ResolvedSpec);
  } catch {
    return [];
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  try {
    await atomicWrite(path, text, { durable: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR') {
      throw new InputError(`--out: cannot write ${path} (${code})`);
    }
    throw new SweepError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

export async function reportCommand(dir: string, flags: ReportFlags): Promise<string> {
  const format = parseFormat(flags.format);
  const top = parseTop(flags.top);
  // With --storage (or FINESWEEP_STORAGE) the argument is the sweep's name in that database.
  const storage = storageFrom(flags.storage);
  const sweep = storage ? await readStoredSweep(storage, dir) : { ...(await readSweep(dir)), dir };
  if (storage) {
    // A database sweep's report.html goes beside its trial files (results/<name>/ by default).
    dir = sweep.dir;
    if (format === 'html' && !flags.out) await mkdir(dir, { recursive: true });
  }
  // A finished sweep has every trial it will ever have in its journal: no plan to expand.
  const input = { spec: sweep.spec, state: sweep.state, dir, planned: sweep.state.completed ? [] : plannedTrials(sweep.spec) };
  if (format === 'html') {
    if (flags.out) {
      await writeAtomic(resolve(flags.out), await renderReport(input, { format, top }));
      return `wrote ${flags.out}\n`;
    }
    return `wrote ${await writeHtmlReport(dir, input, { top })}\n`;
  }
  const color = format === 'table' && !flags.out && process.stdout.isTTY === true && !process.env.NO_COLOR;
  if (flags.all && top !== undefined) throw new InputError('--all and --top: give one, not both');
  const columns = flags.columns?.split(',').map((c) => c.trim()).filter(Boolean);
  const table = { width: flags.out ? undefined : terminalWidth(process.stdout), wide: flags.wide, columns, all: flags.all };
  const text = renderReport(input, { format, top, color, table });
  if (flags.out) {
    await writeAtomic(resolve(flags.out), text);
    return `wrote ${flags.out}\n`;
  }
  return text;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Rank the trials of a sweep (finished, running or interrupted) and diagnose each one')
    .argument('<sweep-dir>', 'the sweep directory (results/<sweep-name>), or with --storage the sweep\'s name')
    .option('--storage <url>', 'read the sweep from this database (postgresql://user@host:port/db; default $FINESWEEP_STORAGE)')
    .option('-f, --format <format>', `output format: ${REPORT_FORMATS.join(', ')} (html writes <sweep-dir>/report.html unless --out)`, 'table')
    .option('--top <n>', 'show only the first n trials (the table shows 20 unless --all)')
    .option('--all', 'table: every trial')
    .option('--wide', 'table: every column, even wider than the terminal')
    .option('--columns <a,b,c>', 'table: exactly these columns (keys as in the CSV header, or table headers)')
    .option('-o, --out <file>', 'write the report to this file instead of standard output')
    // Every command's help ends with examples a user can copy (tests/e2e/help.test.ts checks it).
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep report results/spam-grid
  $ finesweep report results/spam-grid --format html            # writes results/spam-grid/report.html
  $ finesweep report results/spam-grid --format csv --top 5 --out best.csv
  $ finesweep report --storage postgresql://me@db:5432/sweeps spam-grid
  $ finesweep report results/spam-grid --all --columns rank,trial,learning_rate,best_val_accuracy,flags

In a terminal the table fits its width: it keeps rank, trial, the swept parameters, the objective,
the flags and the recommendation, and leaves out, as far as needed and in this order: time, train
loss, gap, best epoch, kept, ckpt, trainable, front, ppl rise, val loss, status (of those the sweep
has), saying which; --wide shows them. Off a terminal (a pipe, a file) every column.
`,
    )
    .action(async (dir: string, flags: ReportFlags) => {
      process.stdout.write(await reportCommand(dir, flags));
    });
}
