// `finesweep resume <sweep-dir>`: continue an interrupted sweep. Finished trials are kept, trials
// that were running continue from their last epoch checkpoint, pending ones run.
import type { Command } from 'commander';
import type { BackendChoice } from '../engine/types.js';
import { resumeSweep } from '../sweep/session.js';
import { parseWorkers, runWithProgress, trainerOption } from './run.js';

interface ResumeFlags {
  workers?: number;
  trainer?: string;
  backend?: BackendChoice;
}

export function registerResume(program: Command): void {
  program
    .command('resume')
    .description('continue an interrupted sweep: completed, failed and diverged trials are kept; running ones continue from their checkpoint')
    .argument('<sweep-dir>', 'the sweep directory (<results>/<name>/) that `finesweep run` created')
    .option('--workers <n>', 'CPU slots when there is no GPU, overrides resources.workers', parseWorkers)
    .addOption(trainerOption())
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep run sweeps/spam-grid.json      # interrupted by Ctrl-C, kill -9 or a crash
  $ finesweep resume results/spam-grid

The spec is read back from <sweep-dir>/spec.resolved.json; a sweep whose spec changed is refused.
`,
    )
    .action(async (dir: string, flags: ResumeFlags) => {
      await runWithProgress((opts) => resumeSweep(dir, { ...opts, workers: flags.workers, trainer: flags.trainer }));
    });
}
