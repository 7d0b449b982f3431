// `finesweep worker --storage URL --sweep NAME`: one worker on a sweep recorded in PostgreSQL.
// Start as many as you like, on any machines: each claims due trials under a lease renewed by
// heartbeat, and a trial whose worker died is taken by another once its lease expires.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import type { GpuSetting } from '../pool/gpus.js';
import { workSweep } from '../sweep/shared.js';
import { parseWorkers, runWithProgress, trainerOption } from './run.js';
import { requireStorage, sharedOptions, sharedRunOptions, type SharedFlags } from './shared-options.js';

interface WorkerFlags extends SharedFlags {
  sweep?: string;
  workers?: number;
  gpus?: GpuSetting;
  trainer?: string;
}

/** `--gpus 0,2` (these GPU ids), `auto` (those nvidia-smi lists) or `none` (CPU slots only). */
export function parseGpus(value: string): GpuSetting {
  const text = value.trim().toLowerCase();
  if (text === 'auto') return 'auto';
  if (text === 'none') return 0;
  const ids = text.split(',').map((part) => part.trim());
  if (ids.length === 0 || ids.some((id) => !/^\d+$/.test(id))) {
    throw new InputError(`--gpus: expected a comma-separated list of GPU ids (e.g. 0,1), auto or none; got ${JSON.stringify(value)}`);
  }
  const list = ids.map(Number);
  if (new Set(list).size !== list.length) throw new InputError(`--gpus: GPU ${list.find((id, i) => list.indexOf(id) !== i)} is listed twice in ${JSON.stringify(value)}`);
  return list;
}

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description('work on a sweep recorded in PostgreSQL: claim due trials, run them on this machine\'s slots, until none is left')
    .option('--sweep <name>', 'the sweep\'s name (its spec\'s name)')
    .option('--workers <n>', 'CPU slots when there is no GPU, overrides resources.workers', parseWorkers)
    .option('--gpus <list>', "this machine's GPUs for the sweep's slots (resources.trials_per_gpu each, pinned with CUDA_VISIBLE_DEVICES): ids like 0,1, auto (nvidia-smi) or none; overrides resources.gpus", parseGpus)
    .addOption(trainerOption());
  sharedOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep run --storage postgresql://me@db:5432/sweeps sweeps/spam-grid.json --no-work
  $ finesweep worker --storage postgresql://me@db:5432/sweeps --sweep spam-grid --workers 2
  $ FINESWEEP_STORAGE=postgresql://me@db/sweeps finesweep worker --sweep spam-grid --trial-files /shared/spam-grid
  $ finesweep worker --storage postgresql://me@db:5432/sweeps --sweep spam-grid --gpus 0,1   # two of this node's GPUs

The password may be given in PGPASSWORD; it is never printed. Exit codes: 0 done, 1 error, 2 bad input.
`,
    )
    .action(async (flags: WorkerFlags) => {
      const storage = requireStorage(flags);
      if (!flags.sweep) throw new InputError('--sweep: expected the name of the sweep to work on');
      const shared = sharedRunOptions(flags);
      await runWithProgress((opts) => workSweep(storage, flags.sweep!, { ...opts, ...shared, workers: flags.workers, gpus: flags.gpus, trainer: flags.trainer }));
    });
}
