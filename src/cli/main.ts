// The finesweep CLI: parses flags, calls the library, prints, and maps typed errors to exit codes.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, FinesweepError } from '../errors.js';
import { registerTrain } from './train.js';
import { registerPretrain } from './pretrain.js';
import { registerReport } from './report.js';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerRun } from './run.js';
import { registerResume } from './resume.js';
import { registerData } from './data.js';
import { registerExportOptuna } from './export-optuna.js';
import { registerDashboard } from './dashboard.js';
import { registerSuggest } from './suggest.js';
import { registerExport } from './export.js';
import { registerPredict } from './predict.js';
import { registerWorker } from './worker.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('finesweep')
    .description('Hyperparameter sweeps for fine-tuning language models with TensorFlow.js')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Commands register themselves here, one module each.
  registerTrain(program);
  registerPretrain(program);
  registerReport(program);
  registerValidate(program);
  registerPlan(program);
  registerRun(program);
  registerResume(program);
  registerData(program);
  registerExportOptuna(program);
  registerDashboard(program);
  registerSuggest(program);
  registerExport(program);
  registerPredict(program);
  registerWorker(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
