// `finesweep resume <sweep-dir>`: continue an interrupted sweep. Finished trials are kept, trials
// that were running continue from their last epoch checkpoint, pending ones run.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import type { StopWhen } from '../trial/budget.js';
import type { BackendChoice } from '../engine/types.js';
import { resumeSweep } from '../sweep/session.js';
import { storageFrom } from '../store/open.js';
import type { LockInfo } from '../store/store.js';
import { parseWorkers, runWithProgress, trainerOption } from './run.js';
import { sharedOptions, sharedRunOptions, type SharedFlags } from './shared-options.js';

interface ResumeFlags extends SharedFlags {
  takeOver?: boolean;
  wait?: boolean;
  workers?: number;
  trainer?: string;
  backend?: BackendChoice;
  stopWhenSeconds?: number;
  stopWhenTrials?: number;
  stopWhenObjective?: number;
}

/** A new budget from the --stop-when-… flags (none given: the spec's stop_when as recorded). */
function stopWhenOf(flags: ResumeFlags): StopWhen | undefined {
  const sw: StopWhen = {
    ...(flags.stopWhenSeconds !== undefined ? { seconds: flags.stopWhenSeconds } : {}),
    ...(flags.stopWhenTrials !== undefined ? { trials: flags.stopWhenTrials } : {}),
    ...(flags.stopWhenObjective !== undefined ? { objective: flags.stopWhenObjective } : {}),
  };
  return Object.keys(sw).length > 0 ? sw : undefined;
}

function parseBudgetSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InputError(`--stop-when-seconds: expected a number of seconds > 0, got ${JSON.stringify(value)}`);
  return n;
}

function parseBudgetTrials(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`--stop-when-trials: expected a whole number of trials >= 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

function parseBudgetObjective(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InputError(`--stop-when-objective: expected a finite number (the objective's value to reach), got ${JSON.stringify(value)}`);
  return n;
}

export function registerResume(program: Command): void {
  const cmd = program
    .command('resume')
    .description('continue an interrupted sweep: completed, failed and diverged trials are kept; running ones continue from their checkpoint')
    .argument('<sweep-dir>', 'the sweep directory (<results>/<name>/) that `finesweep run` created, or with --storage the sweep\'s name')
    .option('--take-over', 'take over the lock of a controller known to be dead without waiting for its lease to expire (refused while its heartbeat is fresh)')
    .option('--wait', 'wait for the lease of a controller that just died (on another host, or killed a moment ago) to expire, printing how long, then take over; refused if it renews its lease meanwhile')
    .option('--workers <n>', 'CPU slots when there is no GPU, overrides resources.workers', parseWorkers)
    .option('--stop-when-seconds <s>', 'a new budget of running time for the whole sweep, counted across its runs (overrides stop_when.seconds)', parseBudgetSeconds)
    .option('--stop-when-trials <n>', 'a new budget of trials started in all (overrides stop_when.trials)', parseBudgetTrials)
    .option('--stop-when-objective <v>', 'end the sweep once a trial reaches this objective value (overrides stop_when.objective)', parseBudgetObjective)
    .addOption(trainerOption());
  sharedOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep run sweeps/spam-grid.json      # interrupted by Ctrl-C, kill -9 or a crash
  $ finesweep resume results/spam-grid
  $ finesweep resume --take-over results/spam-grid   # its controller was killed; do not wait for the lease
  $ finesweep resume --wait results/spam-grid        # its controller died on another host: wait for the lease (<= 60 s)
  $ finesweep resume --storage postgresql://me@db:5432/sweeps spam-grid

The spec is read back from <sweep-dir>/spec.resolved.json; a sweep whose spec changed is refused.
A sweep that ended on its budget (stop_when) says so and exits 0; give it a larger one with
--stop-when-seconds/--stop-when-trials/--stop-when-objective (recorded in spec.resolved.json; a
budget is not part of the spec's identity).
`,
    )
    .action(async (dir: string, flags: ResumeFlags) => {
      const storage = storageFrom(flags.storage);
      const stopWhen = stopWhenOf(flags);
      if (storage) {
        if (stopWhen) throw new InputError('--stop-when-…: budgets are not supported on a shared sweep (--storage); stop its workers instead');
        // Loaded here: it brings pg (~0.5 s to load), which a file sweep does not need.
        const { workSweep } = await import('../sweep/shared.js');
        const shared = sharedRunOptions(flags);
        await runWithProgress((opts) => workSweep(storage, dir, { ...opts, ...shared, workers: flags.workers, trainer: flags.trainer }));
        return;
      }
      await runWithProgress((opts) =>
        resumeSweep(dir, {
          ...opts,
          workers: flags.workers,
          trainer: flags.trainer,
          takeOver: flags.takeOver,
          stopWhen,
          ...(flags.wait ? { wait: { onWait: (ms, holder) => process.stderr.write(waitLine(ms, holder)), signal: opts.signal } } : {}),
        }),
      );
    });
}

/** What resume --wait prints before it waits. */
function waitLine(ms: number, holder: LockInfo): string {
  return `waiting ${Math.ceil(ms / 1000)} s for the lease of pid ${holder.pid} on host ${holder.host} to expire (last heartbeat ${holder.heartbeat ?? holder.since}), then taking over\n`;
}
