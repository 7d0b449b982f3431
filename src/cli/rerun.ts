// `finesweep rerun <sweep-dir> --top K --seeds N`: run the K best configurations of a finished
// sweep again with N new seeds each, as new trials of the same sweep (src/sweep/rerun.ts), so
// the report can say whether its ranking is within noise.
import type { Command } from 'commander';
import { InputError, SweepError } from '../errors.js';
import { resumeSweep } from '../sweep/session.js';
import { parseWorkers, runWithProgress, trainerOption } from './run.js';
import { sharedOptions, sharedRunOptions, type SharedFlags } from './shared-options.js';
import { storageFrom } from '../store/open.js';

interface RerunFlags extends SharedFlags {
  top: number;
  seeds: number;
  workers?: number;
  trainer?: string;
}

function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`${flag}: expected a whole number >= 1, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

export function registerRerun(program: Command): void {
  const cmd = program
    .command('rerun')
    .description('run the best configurations of a finished sweep again with new seeds, to measure the noise of its ranking')
    .argument('<sweep-dir>', 'the sweep directory (<results>/<name>/) of a finished sweep, or with --storage the sweep\'s name')
    .requiredOption('--top <k>', 'how many of the best configurations to run again', wholeNumber('--top'))
    .requiredOption('--seeds <n>', 'runs each of them gets besides its first, each with a new seed', wholeNumber('--seeds'))
    .option('--workers <n>', 'CPU slots when there is no GPU, overrides resources.workers', parseWorkers)
    .addOption(trainerOption());
  sharedOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep rerun results/spam-grid --top 3 --seeds 2
  $ finesweep report results/spam-grid      # repeats: mean ± sd; overlapping top configurations are a tie
  $ finesweep rerun --storage postgresql://me@db:5432/sweeps spam-grid --top 3 --seeds 2

Repeats are trials of the sweep (their id is <trial>-r<k>, which gives them a new seed); asking
again adds only the repeats still missing, and an interrupted rerun continues with \`finesweep resume\`.
With --storage this process works on the repeats as a worker; others join with \`finesweep resume --storage\`.
`,
    )
    .action(async (dir: string, flags: RerunFlags) => {
      const storage = storageFrom(flags.storage);
      if (storage) {
        // Loaded here: it brings pg, which a file sweep does not need.
        const { workSweep } = await import('../sweep/shared.js');
        const shared = sharedRunOptions(flags);
        await runWithProgress((opts) => workSweep(storage, dir, { ...opts, ...shared, workers: flags.workers, trainer: flags.trainer, rerun: { top: flags.top, seeds: flags.seeds } }));
        return;
      }
      await runWithProgress(async (opts) => {
        try {
          return await resumeSweep(dir, { ...opts, workers: flags.workers, trainer: flags.trainer, rerun: { top: flags.top, seeds: flags.seeds } });
        } catch (err) {
          // A sweep that is running (its lock is live) is the user's input to fix: wait for it.
          if (err instanceof SweepError && / is locked by /.test(err.message)) throw new InputError(`${err.message}; rerun it once it has ended`);
          throw err;
        }
      });
    });
}
