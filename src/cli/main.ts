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
  data: async () => (await import('./data.js')).registerData,
  'export-optuna': async () => (await import('./export-optuna.js')).registerExportOptuna,
  dashboard: async () => (await import('./dashboard.js')).registerDashboard,
  suggest: async () => (await import('./suggest.js')).registerSuggest,
  export: async () => (await import('./export.js')).registerExport,
  predict: async () => (await import('./predict.js')).registerPredict,
  worker: async () => (await import('./worker.js')).registerWorker,
};

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The program with every command, or with `only` that one (the command a user ran). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('finesweep')
    .description('Hyperparameter sweeps for fine-tuning language models with TensorFlow.js')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
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
      process.stderr.write(`finesweep: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`finesweep: unexpected error: ${message}\n`);
    if (process.env.FINESWEEP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv);
