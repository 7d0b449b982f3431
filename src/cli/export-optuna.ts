// `finesweep export-optuna <sweep-dir> --out journal.log`: the sweep as an Optuna JournalStorage
// file, which Optuna (JournalStorage(JournalFileStorage(path))) and optuna-dashboard open.
import { randomBytes } from 'node:crypto';
import { link, unlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, SweepError } from '../errors.js';
import { optunaJournalText, toOptunaJournal } from '../interop/optuna-journal.js';
import { readSweep } from '../store/read.js';

interface ExportFlags {
  out: string;
  study?: string;
}

/**
 * Writes the whole file under a temporary name, then links it to its name, which fails if the name
 * exists: an Optuna journal is appended to by its users, so an existing one is never replaced.
 */
async function writeNew(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new InputError(`--out: ${path} already exists (an Optuna journal is never overwritten; choose a new file)`);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR' || code === 'EROFS') throw new InputError(`--out: cannot write ${path} (${code})`);
    throw new SweepError(`cannot write ${path}: ${(err as Error).message}`);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

export async function exportOptunaCommand(dir: string, flags: ExportFlags): Promise<string> {
  if (flags.study !== undefined && flags.study.trim() === '') throw new InputError('--study: expected a non-empty study name');
  const sweep = await readSweep(dir);
  const out = toOptunaJournal(sweep.spec, sweep.state, { studyName: flags.study });
  await writeNew(resolve(flags.out), optunaJournalText(out.logs));
  return `wrote ${flags.out}: study ${JSON.stringify(out.studyName)} (${out.direction}), ${out.trials} trials\n`;
}

export function registerExportOptuna(program: Command): void {
  program
    .command('export-optuna')
    .description("write a sweep as an Optuna JournalStorage file (Optuna's own API and optuna-dashboard open it)")
    .argument('<sweep-dir>', 'the sweep directory (results/<sweep-name>)')
    .requiredOption('-o, --out <file>', 'the journal file to create (an existing file is refused)')
    .option('--study <name>', "the study's name (default: the sweep's name)")
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep export-optuna results/spam-grid --out spam-grid.optuna.log
  $ optuna-dashboard spam-grid.optuna.log

States: completed → COMPLETE, stopped early → PRUNED, failed or diverged → FAIL, running → RUNNING,
interrupted or not started → WAITING. The value is the objective at the trial's best epoch; the
intermediate values are the objective per epoch (step = epoch).
`,
    )
    .action(async (dir: string, flags: ExportFlags) => {
      process.stdout.write(await exportOptunaCommand(dir, flags));
    });
}
