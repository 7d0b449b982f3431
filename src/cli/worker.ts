// `finesweep worker --storage URL --sweep NAME`: one worker on a sweep recorded in PostgreSQL.
// Start as many as you like, on any machines: each claims due trials under a lease renewed by
// heartbeat, and a trial whose worker died is taken by another once its lease expires.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { storageFrom } from '../store/open.js';
import { workSweep } from '../sweep/shared.js';
import { parseWorkers, runWithProgress, trainerOption } from './run.js';

export interface SharedFlags {
  storage?: string;
  trialFiles?: string;
  heartbeat?: number;
  lease?: number;
}

export function parseSeconds(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InputError(`${flag}: expected a number of seconds > 0, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** The options every command on a shared sweep takes. */
export function sharedOptions(cmd: Command): Command {
  return cmd
    .option('--storage <url>', 'the sweep\'s database: postgresql://user@host:port/db (default $FINESWEEP_STORAGE)')
    .option('--trial-files <dir>', 'where trials/<id>/ go (default results/<name>); on a disk every worker shares, a trial taken over resumes from its checkpoint')
    .option('--heartbeat <s>', 'seconds between lease renewals (default 10)', parseSeconds('--heartbeat'))
    .option('--lease <s>', 'seconds after its last heartbeat a lease is stale and its trial taken over (default 60)', parseSeconds('--lease'));
}

export function sharedRunOptions(flags: SharedFlags) {
  if (flags.heartbeat !== undefined && flags.lease !== undefined && flags.lease <= 2 * flags.heartbeat) {
    throw new InputError(`--lease: expected more than two heartbeats (${2 * flags.heartbeat} s), got ${flags.lease} s`);
  }
  return {
    trialFiles: flags.trialFiles,
    ...(flags.heartbeat !== undefined ? { heartbeatMs: flags.heartbeat * 1000 } : {}),
    ...(flags.lease !== undefined ? { expiryMs: flags.lease * 1000 } : {}),
  };
}

export function requireStorage(flags: SharedFlags): string {
  const storage = storageFrom(flags.storage);
  if (!storage) throw new InputError('--storage: expected postgresql://user@host:port/database (or set FINESWEEP_STORAGE)');
  return storage;
}

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
