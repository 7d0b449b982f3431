// `finesweep worker --storage URL --sweep NAME`: one worker on a sweep recorded in PostgreSQL.
// Start as many as you like, on any machines: each claims due trials under a lease renewed by
// heartbeat, and a trial whose worker died is taken by another once its lease expires.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { workSweep } from '../sweep/shared.js';
import { parseWorkers, runWithProgress, trainerOption } from './run.js';
import { requireStorage, sharedOptions, sharedRunOptions, type SharedFlags } from './shared-options.js';

interface WorkerFlags extends SharedFlags {
  sweep?: string;
  workers?: number;
  trainer?: string;
}

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description('work on a sweep recorded in PostgreSQL: claim due trials, run them on this machine\'s slots, until none is left')
    .option('--sweep <name>', 'the sweep\'s name (its spec\'s name)')
    .option('--workers <n>', 'CPU slots when there is no GPU, overrides resources.workers', parseWorkers)
    .addOption(trainerOption());
  sharedOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep run --storage postgresql://me@db:5432/sweeps sweeps/spam-grid.json --no-work
  $ finesweep worker --storage postgresql://me@db:5432/sweeps --sweep spam-grid --workers 2
  $ FINESWEEP_STORAGE=postgresql://me@db/sweeps finesweep worker --sweep spam-grid --trial-files /shared/spam-grid

The password may be given in PGPASSWORD; it is never printed. Exit codes: 0 done, 1 error, 2 bad input.
`,
    )
    .action(async (flags: WorkerFlags) => {
      const storage = requireStorage(flags);
      if (!flags.sweep) throw new InputError('--sweep: expected the name of the sweep to work on');
      const shared = sharedRunOptions(flags);
      await runWithProgress((opts) => workSweep(storage, flags.sweep!, { ...opts, ...shared, workers: flags.workers, trainer: flags.trainer }));
    });
}
