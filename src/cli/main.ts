// The finesweep CLI: parses flags, calls the library, prints, and maps typed errors to exit codes.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, FinesweepError } from '../errors.js';

type Register = (program: Command) => void;

/**
 * Every command, by name, with the module that registers it, in help order. A module is imported
 * only for its own command (or all of them for the top-level help or an unknown command): run,
 * worker, export and predict pull in TensorFlow.js, about 1 s of start-up that `finesweep report`
 * or `validate` need not pay.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  train: async () => (await import('./train.js')).registerTrain,
  pretrain: async () => (await import('./pretrain.js')).registerPretrain,
  report: async () => (await import('./report.js')).registerReport,
  validate: async () => (await import('./validate.js')).registerValidate,
  plan: async () => (await import('./plan.js')).registerPlan,
  run: async () => (await import('./run.js')).registerRun,
  resume: async () => (await import('./resume.js')).registerResume,
  rerun: async () => (await import('./rerun.js')).registerRerun,
  data: async () => (await import('./data.js')).registerData,
  'export-optuna': async () => (await import('./export-optuna.js')).registerExportOptuna,
  dashboard: async () => (await import('./dashboard.js')).registerDashboard,
  suggest: async () => (await import('./suggest.js')).registerSuggest,
  export: async () => (await import('./export.js')).registerExport,
  predict: async () => (await import('./predict.js')).registerPredict,
  worker: async () => (await import('./worker.js')).registerWorker,
};

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Under the top-level help: where a user who has a training script of their own starts. */
export const OWN_SCRIPT_HELP = `
Sweep your own training script (PyTorch, Hugging Face, anything): a spec whose task is
  "task": { "type": "command", "command": ["python3", "train.py", "--lr", "{learning_rate}"] }
runs it once per trial; the script appends one JSON line per epoch to $FINESWEEP_METRICS.
The shortest working example is in the README ("Sweeping your own script"); the whole protocol
in docs/command-trainer.md.
`;

/** The program with every command, or with `only` that one (the command a user ran). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('finesweep')
    .description('Hyperparameter sweeps for fine-tuning language models with TensorFlow.js')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', OWN_SCRIPT_HELP)
    .exitOverride();
  // Commands register themselves here, one module each.
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]()))) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // argv[2] is the command (the CLI has no option before it but --help and --version).
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander throws is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (err instanceof FinesweepError) {
      // Every line carries the prefix, so that each problem of a multi-problem error reads alone.
      process.stderr.write(prefixed(err.message));
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`finesweep: unexpected error: ${message}\n`);
    if (process.env.FINESWEEP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT.failure;
  }
}

/** `finesweep: ` before every line of a message. */
export function prefixed(message: string): string {
  return message
    .split('\n')
    .map((line) => `finesweep: ${line}\n`)
    .join('');
}

/**
 * A reader that went away (`finesweep validate spec | head -1`) is not an error of finesweep: the
 * rest of the output goes nowhere, and the command ends as it would have (its own exit code, its
 * cleanup done) instead of dying on an unhandled EPIPE with a stack trace.
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stream.write = (() => true) as typeof stream.write;
  });
}

ignoreClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);
process.exitCode = await main(process.argv);
