// `finesweep run <spec>`: run a sweep to the end, with live progress and the leaderboard after.
// This layer owns the signals: the first SIGINT/SIGTERM asks the sweep to stop gracefully (trials
// checkpoint at their next batch and are recorded stopped), a second one exits at once.
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/types.js';
import { EXIT, InputError } from '../errors.js';
import { BUDGET_FLAGS, budgetWords } from '../trial/budget.js';
import { renderReport, writeHtmlReport } from '../report/render/report.js';
import { runSweep } from '../sweep/session.js';
import type { SweepOutcome, SweepRunOptions } from '../sweep/options.js';
import { storageFrom } from '../store/open.js';
import { ProgressDisplay } from './progress.js';
import { terminalWidth } from './report.js';
import { diskLine } from './disk.js';
import { sharedOptions, sharedRunOptions, type SharedFlags } from './shared-options.js';
import { parseMaxTrials } from './spec-input.js';

export function parseBackend(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new InputError(`--backend: expected one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
}

export function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`--workers: expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** A trainer module given as a path (relative to the working directory) or a file: URL. */
function parseTrainer(value: string): string {
  if (value.startsWith('file:')) return value;
  if (!value) throw new InputError('--trainer: expected the path of a module that default-exports a Trainer');
  return pathToFileURL(isAbsolute(value) ? value : resolve(value)).href;
}

/**
 * The hidden flag that tests and the benchmarks use to run every trial with a trainer of their own
 * (e.g. bench/trainers/noop.js, a synthetic trial) in place of the spec's task.type; never a spec.
 */
export function trainerOption(): Option {
  return new Option('--trainer <module>', 'trainer module for every trial, for tests and benchmarks').argParser(parseTrainer).hideHelp();
}

/**
 * Run `sweep` with progress on stderr and signal handling, then print the leaderboard on stdout.
 * Errors (an InterruptedError after a stop included) propagate to main, which maps the exit code.
 */
export async function runWithProgress(sweep: (opts: SweepRunOptions) => Promise<SweepOutcome>): Promise<void> {
  const progress = new ProgressDisplay(process.stderr);
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (!stop.signal.aborted) {
      progress.finish();
      process.stderr.write(`${signal}: stopping; running trials checkpoint at their next batch (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to exit at once)\n`);
      stop.abort(signal);
      return;
    }
    // Second signal: exit now. Trial processes see their IPC channel close and exit too; the journal
    // shows those trials running, and resume continues them from their checkpoints.
    kill.abort(signal);
    process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const outcome = await sweep({ signal: stop.signal, kill: kill.signal, onProgress: progress.onProgress });
    progress.finish();
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const input = { spec: outcome.spec, state: outcome.state, planned: outcome.planned };
    const table = { width: terminalWidth(process.stdout) };
    process.stdout.write(renderReport({ ...input, dir: outcome.dir }, { format: 'table', color, table }));
    // The HTML report (learning curves, lr plot, heatmap) is written beside the journal at the end.
    const html = await writeHtmlReport(outcome.dir, input);
    const shown = relative(process.cwd(), html);
    process.stdout.write(`HTML report: ${shown.startsWith('..') ? html : shown}\n`);
    // On stderr with the progress: stdout stays the leaderboard alone, for pipes.
    process.stderr.write(`${diskLine(outcome.dir)}\n`);
    const ended = outcome.state.ended;
    if (ended !== undefined && !outcome.state.completed) {
      process.stderr.write(`sweep ended: ${budgetWords(ended)}; continue it with a larger budget: finesweep resume ${outcome.dir} ${BUDGET_FLAGS[ended.budget]} <${ended.budget === 'objective' ? 'value' : 'n'}>\n`);
    }
  } finally {
    progress.finish();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

interface RunFlags extends SharedFlags {
  work: boolean;
  results: string;
  backend?: BackendChoice;
  workers?: number;
  maxTrials?: number;
  trainer?: string;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a sweep: every trial of the spec on a pool of slots (one per GPU × trials_per_gpu, or CPU workers), recorded in <results>/<name>/')
    .argument('<spec>', 'path of the sweep spec (.json, .yaml or .yml)')
    .option('--results <dir>', 'results directory; the sweep goes to <dir>/<spec name>/', 'results')
    .option('--backend <name>', `TensorFlow.js backend, overrides resources.backend (${BACKEND_CHOICES.join(', ')})`, parseBackend)
    .option('--workers <n>', 'CPU slots when there is no GPU, overrides resources.workers', parseWorkers)
    .option('--max-trials <n>', 'largest grid accepted', parseMaxTrials)
    .addOption(trainerOption())
    .option('--no-work', 'with --storage: only record the sweep; workers run it (finesweep worker)');
  sharedOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep run sweeps/spam-grid.json
  $ finesweep run sweeps/spam-grid.json --results /data/sweeps --workers 2 --backend wasm
  $ finesweep run --storage postgresql://me@db:5432/sweeps sweeps/spam-grid.json   # creates or joins, and works on it

Ctrl-C stops the sweep after each running trial checkpoints (exit 130; SIGTERM: 143); continue it
with \`finesweep resume <results>/<name>\`. Exit codes: 0 done, 1 error, 2 bad input.

A trial runs the built-in engine (task.type "classification" or "causal-lm") or your own training
script (task.type "command": see the README, "Sweeping your own script", and docs/command-trainer.md).
`,
    )
    .action(async (spec: string, flags: RunFlags) => {
      const storage = storageFrom(flags.storage);
      if (storage) {
        // A shared sweep: recorded once; a second run of the same spec joins it as a worker.
        // Loaded here: it brings pg (~0.5 s to load), which a file sweep does not need.
        const { createSharedSweep, workSweep } = await import('../sweep/shared.js');
        const shared = sharedRunOptions(flags);
        const name = await createSharedSweep(storage, spec, { ...shared, backend: flags.backend, maxTrials: flags.maxTrials, trainer: flags.trainer });
        if (!flags.work) {
          process.stdout.write(`recorded sweep ${name}; run it with: finesweep worker --storage <url> --sweep ${name}\n`);
          return;
        }
        await runWithProgress((opts) => workSweep(storage, name, { ...opts, ...shared, backend: flags.backend, workers: flags.workers, trainer: flags.trainer }));
        return;
      }
      await runWithProgress((opts) =>
        runSweep(spec, {
          ...opts,
          resultsDir: flags.results,
          backend: flags.backend,
          workers: flags.workers,
          maxTrials: flags.maxTrials,
          trainer: flags.trainer,
        }),
      );
    });
}
