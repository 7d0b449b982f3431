// `finesweep data <train>`: the dataset check a user runs before a sweep (also run by `validate` on
// a spec's data). This layer reads the files with the engine's reader and split, loads the model's
// tokenizer, and hands the examples to the pure check in src/data/.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { loadSplit, type DataConfig } from '../engine/data/dataset.js';
import { MissingFieldError } from '../engine/data/read.js';
import { Tokenizer } from '../engine/tokenizer.js';
import { EXIT, FinesweepError, InputError } from '../errors.js';
import { checkData, exitCodeOf } from '../data/check.js';
import { DATA_FORMATS, renderData, type DataFormat } from '../data/render.js';
import type { CheckTask, DataCheckReport, TokenCounter } from '../data/types.js';
import { deriveSeed } from '../rng.js';

/** The check found errors (exit 2), or warnings under --strict (exit 1); the report is already printed. */
export class DataCheckError extends FinesweepError {
  override name = 'DataCheckError';
  override readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** One line per error finding, for a refusal (validate) or the end of `finesweep data`. */
export function errorLines(report: DataCheckReport): string[] {
  return report.findings.filter((f) => f.severity === 'error').map((f) => (f.examples.length && !f.message.includes(f.examples[0]) ? `${f.message} (${f.examples[0]})` : f.message));
}

/** The shipped base model: its tokenizer and context are the default for `finesweep data`. */
export const SHIPPED_MODEL = fileURLToPath(new URL('../../../models/base', import.meta.url));

export interface DataCheckRequest {
  task: CheckTask;
  data: DataConfig;
  /** Model directory whose tokenizer.json and context length the length checks use. */
  model?: string;
  coerceLabels?: boolean;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

/** The tokenizer and context length of a model directory, without loading its weights (or tfjs). */
export function loadTokenizerOf(dir: string): { tokenizer: TokenCounter; contextLength: number } {
  const modelPath = join(resolve(dir), 'model.json');
  const model = readJson(modelPath) as { config?: { contextLength?: unknown } };
  const contextLength = model?.config?.contextLength;
  if (typeof contextLength !== 'number' || !Number.isInteger(contextLength) || contextLength < 2) {
    throw new InputError(`${modelPath}: config.contextLength must be an integer >= 2, got ${JSON.stringify(contextLength)}`);
  }
  const tokenizerPath = join(resolve(dir), 'tokenizer.json');
  try {
    return { tokenizer: Tokenizer.fromJSON(readJson(tokenizerPath)), contextLength };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${tokenizerPath}: ${(err as Error).message}`);
  }
}

/**
 * `run()`, with the reader's "missing label field" saying what the file has instead (a CSV's header,
 * a JSON line's keys) and how to name the right one: `nameIt` is the flag or spec field, by role.
 */
export function explainMissingField<T>(run: () => T, nameIt: Record<'text' | 'label', string>): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof MissingFieldError)) throw err;
    const found = err.found.length ? err.found.map((f) => `'${f}'`).join(', ') : 'no field';
    const what = err.csv ? 'column' : 'field';
    throw new InputError(`${err.message} (${err.csv ? 'the header has' : 'the line has'} ${found}); name the ${err.role} ${what} with ${nameIt[err.role]}`);
  }
}

/** Reads and splits the data as a trial would (the engine's loadSplit), then checks it. */
export function runDataCheck(req: DataCheckRequest): DataCheckReport {
  const split = loadSplit(req.data, req.task, req.data.seed ?? 0);
  const model = req.model ? loadTokenizerOf(req.model) : undefined;
  const contextLength = model ? Math.min(req.data.maxLength ?? model.contextLength, model.contextLength) : undefined;
  return checkData({
    task: req.task,
    train: { file: split.trainFile, examples: split.train },
    // A split's validation examples carry their lines in the training file.
    validation: { file: req.data.validation ?? split.trainFile, examples: split.validation },
    tokenizer: model?.tokenizer,
    contextLength,
    coerceLabels: req.coerceLabels,
  });
}

function parseSplit(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InputError(`--split: expected a fraction between 0 and 1, got ${JSON.stringify(value)}`);
  return n;
}

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InputError(`--seed: expected a whole number >= 0, got ${JSON.stringify(value)}`);
  return Number(value);
}

function parseTask(value: string): CheckTask {
  if (value === 'classification' || value === 'causal-lm') return value;
  throw new InputError(`--task: expected classification or causal-lm, got ${JSON.stringify(value)}`);
}

function parseFormat(value: string): DataFormat {
  if ((DATA_FORMATS as readonly string[]).includes(value)) return value as DataFormat;
  throw new InputError(`--format: expected one of ${DATA_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
}

interface DataFlags {
  validation?: string;
  split?: number;
  task: CheckTask;
  model: string;
  textField: string;
  labelField: string;
  format: DataFormat;
  seed: number;
  maxExamples?: number;
  strict?: boolean;
  coerceLabels?: boolean;
}

/** The check's text and exit code for the CLI flags (testable without spawning). */
export function dataCommand(train: string, flags: DataFlags, color = false): { text: string; exitCode: number; report: DataCheckReport } {
  if (flags.validation !== undefined && flags.split !== undefined) throw new InputError('--validation and --split: give one, not both');
  const report = explainMissingField(() => runDataCheck({
    task: flags.task,
    model: flags.model,
    coerceLabels: flags.coerceLabels,
    data: {
      train,
      ...(flags.validation !== undefined ? { validation: flags.validation } : {}),
      split: flags.split ?? 0.2,
      // The same derivation as a sweep's (sweep/trial-config.ts): --seed S splits as a spec with seed S.
      seed: deriveSeed(flags.seed, 'data'),
      textField: flags.textField,
      labelField: flags.labelField,
      ...(flags.maxExamples !== undefined ? { maxExamples: flags.maxExamples } : {}),
    },
  }), { text: '--text-field', label: '--label-field' });
  return { text: renderData(report, flags.format, { color }), exitCode: exitCodeOf(report, flags.strict === true), report };
}

export function registerData(program: Command): void {
  program
    .command('data')
    .description('check a dataset before a sweep: duplicates and leakage, labels, empty/short/long texts, encoding, markup')
    .argument('<train>', 'training file (.jsonl or .csv)')
    .option('--validation <file>', 'separate validation file (else --split of the training file is held out)')
    .option('--split <fraction>', 'fraction of the training file held out for validation (default 0.2)', parseSplit)
    .addOption(new Option('--task <task>', 'classification or causal-lm').default('classification').argParser(parseTask))
    // The default is shown by name: the install path means nothing to a user reading the help.
    .addOption(new Option('--model <dir>', 'model directory whose tokenizer and context the length checks use').default(SHIPPED_MODEL, 'the shipped models/base'))
    .option('--text-field <name>', 'field holding the text', 'text')
    .option('--label-field <name>', 'field holding the label (classification)', 'label')
    .option('--seed <n>', "the sweep's seed: the split is the one a spec with this seed makes", parseSeed, 0)
    .option('--max-examples <n>', 'check a seeded sample of at most n training examples, as the spec field does', (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new InputError(`--max-examples: expected a whole number >= 1, got ${JSON.stringify(v)}`);
      return Number(v);
    })
    .option('--coerce-labels', 'compare labels of mixed JSON types (1, "1", true) as strings instead of refusing them')
    .option('--strict', 'exit 1 on warnings')
    .addOption(new Option('-f, --format <format>', `output format: ${DATA_FORMATS.join(', ')}`).default('table').argParser(parseFormat))
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep data sweeps/data/spam.jsonl --split 0.2
  $ finesweep data sweeps/data/domain.jsonl --task causal-lm --split 0.1 --format md
  $ finesweep data train.csv --validation val.csv --text-field body --label-field y --strict

Each finding has a severity (error: a sweep on this data would be meaningless; warning; note), a
count, up to 5 example lines and one line of advice. Near-duplicates: word-3-shingle Jaccard >= 0.8
(MinHash candidates, each confirmed exactly). Exit codes: 0 no error, 1 warnings with --strict,
2 errors or unreadable input.
`,
    )
    .action((train: string, flags: DataFlags) => {
      const color = flags.format === 'table' && process.stdout.isTTY === true && !process.env.NO_COLOR;
      const { text, exitCode, report } = dataCommand(train, flags, color);
      process.stdout.write(text);
      if (exitCode === EXIT.badInput) throw new DataCheckError(`${train}: ${report.counts.error} data error(s): ${errorLines(report).join('; ')}`, exitCode);
      if (exitCode !== EXIT.ok) throw new DataCheckError(`${train}: ${report.counts.warning} data warning(s) (--strict)`, exitCode);
    });
}
