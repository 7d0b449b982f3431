// `finesweep train --config trial.json`: one fine-tune trial, for debugging a configuration.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, InterruptedError } from '../errors.js';
import { BACKEND_CHOICES, type TrialConfig } from '../engine/types.js';
import { trialConfigOf } from '../study/fine-tune.js';
import type { EpochMetrics, TrialEvent } from '../trial/types.js';


/**
 * Reads a TrialConfig JSON. Paths (model, data files, dir) are relative to the JSON file; omitted
 * fields take the spec's defaults (trialConfigOf, which the library's fineTune shares), and `dir`
 * defaults to `<config>.run/` beside the file.
 */
export function readTrialConfig(path: string, backend?: string): TrialConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(`${path}: ${e.code ? `cannot read (${e.code})` : `not valid JSON (${e.message})`}`);
  }
  const base = dirname(resolve(path));
  const dirField = raw !== null && typeof raw === 'object' ? (raw as { dir?: unknown }).dir : undefined;
  if (dirField !== undefined && (typeof dirField !== 'string' || dirField === '')) throw new InputError(`${path}: dir: expected a path`);
  const dir = dirField === undefined ? `${resolve(path)}.run` : resolve(base, dirField);
  return trialConfigOf(raw, { base, where: path, backend, dir });
}

function fmt(x: number | undefined, digits = 4): string {
  return x === undefined ? '-' : x.toFixed(digits);
}

export function epochLine(m: EpochMetrics): string {
  const parts = [`epoch ${m.epoch}`, `train_loss ${fmt(m.train_loss)}`];
  if (m.train_accuracy !== undefined) parts.push(`train_acc ${fmt(m.train_accuracy)}`);
  parts.push(`val_loss ${fmt(m.val_loss)}`);
  if (m.val_accuracy !== undefined) parts.push(`val_acc ${fmt(m.val_accuracy)}`, `val_f1 ${fmt(m.val_f1)}`);
  if (m.val_perplexity !== undefined) parts.push(`val_ppl ${fmt(m.val_perplexity, 2)}`);
  parts.push(`${(m.seconds ?? 0).toFixed(1)}s`);
  return parts.join('  ');
}

function describe(e: TrialEvent): string | undefined {
  switch (e.type) {
    case 'backend':
      return `backend: ${e.name} (${e.reason})`;
    case 'data_report': {
      const r = e.report;
      const lines = [`data: train ${r.train.count}, validation ${r.validation.count}` + (r.train.labels ? `, labels ${JSON.stringify(r.train.labels)}` : '')];
      if (r.majorityRate !== undefined) lines.push(`baseline: majority rate ${fmt(r.majorityRate)}, prior loss ${fmt(r.priorLoss)}`);
      for (const w of r.warnings) lines.push(`warning: ${w}`);
      return lines.join('\n');
    }
    case 'resumed':
      return `resumed after epoch ${e.fromEpoch}`;
    case 'epoch':
      return epochLine(e.metrics);
    case 'forgetting':
      return `forgetting: general-corpus perplexity ${fmt(e.report.basePerplexity, 2)} -> ${fmt(e.report.finalPerplexity, 2)}`;
    case 'log':
      return e.message;
    default:
      return undefined;
  }
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('run one fine-tune trial from a trial config JSON and print per-epoch metrics (resumes from its checkpoint)')
    .requiredOption('--config <trial.json>', 'trial config (paths relative to the file)')
    .option('--backend <name>', `override the backend: ${BACKEND_CHOICES.join('|')}`)
    // Every command's help ends with examples a user can copy (tests/e2e/help.test.ts checks it).
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep train --config sweeps/data/spam.trial.json
  $ finesweep train --config sweeps/data/domain.trial.json --backend wasm
`,
    )
    .action(async (opts: { config: string; backend?: string }) => {
      const config = readTrialConfig(opts.config, opts.backend);
      const controller = new AbortController();
      let signal: 'SIGINT' | 'SIGTERM' | undefined;
      const stop = (s: 'SIGINT' | 'SIGTERM') => () => {
        signal = s;
        controller.abort();
      };
      const onInt = stop('SIGINT');
      const onTerm = stop('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      try {
        process.stdout.write(`trial ${config.trialId}: ${config.task.type} / ${config.task.method} on ${config.task.data.train}\n`);
        // Loaded here so that other commands do not pay for importing TensorFlow.js.
        const { runTrial } = await import('../engine/trial.js');
        const result = await runTrial(config, {
          signal: controller.signal,
          onEvent: (e) => {
            const line = describe(e);
            if (line) process.stdout.write(`${line}\n`);
          },
        });
        if (result.initialValLoss !== undefined) process.stdout.write(`before fine-tuning: val_loss ${fmt(result.initialValLoss)}\n`);
        process.stdout.write(`${result.outcome}${result.reason ? ` (${result.reason})` : ''} in ${result.seconds.toFixed(1)}s; checkpoint in ${config.dir}/checkpoint\n`);
        if (result.outcome === 'stopped' && signal) {
          throw new InterruptedError(`stopped; run the same command again to resume`, signal);
        }
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      }
    });
}
