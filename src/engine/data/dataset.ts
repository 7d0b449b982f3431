// Turns a trial's data config into tokenized train and validation sets plus the data report.
import { InputError } from '../../errors.js';
import type { TrialConfig } from '../types.js';
import type { DataReport } from '../../trial/types.js';
import { readExamples, type RawExample } from './read.js';
import { buildDataReport } from './report.js';
import { sampleShots, stratifiedSample, stratifiedSplit } from './split.js';
import type { EngineTask } from '../../trial/method.js';

/** What the data pipeline needs of a tokenizer (the engine's Tokenizer satisfies it). */
export interface TokenEncoder {
  encode(text: string): number[];
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
}

export interface Example {
  /** Token ids, at most maxLength long, starting with BOS. */
  ids: number[];
  /** Class index into TrialData.labels (classification only). */
  label?: number;
}

export interface TrialData {
  train: Example[];
  validation: Example[];
  /** Sorted class names (classification only). */
  labels?: string[];
  /** Sequence length every batch is padded to. */
  maxLength: number;
  report: DataReport;
}

export type DataConfig = TrialConfig['task']['data'];

/** Reads and splits the raw examples (no tokenizer needed: cheap, and testable on its own). */
export function loadSplit(
  data: DataConfig,
  task: EngineTask,
  trialSeed: number,
): { train: RawExample[]; validation: RawExample[]; trainFile: string; validationFile: string; shotsFrom?: number } {
  // A sweep passes its own data seed so that every trial is scored on the same validation set.
  const seed = data.seed ?? trialSeed;
  const labelField = task === 'classification' ? data.labelField : undefined;
  let train = readExamples(data.train, { textField: data.textField, labelField });
  let validation: RawExample[];
  if (data.validation) {
    validation = readExamples(data.validation, { textField: data.textField, labelField });
    if (data.maxExamples) train = stratifiedSample(train, data.maxExamples, seed);
  } else {
    // Sample before splitting so the held-out part keeps its share of a max_examples run.
    if (data.maxExamples) train = stratifiedSample(train, data.maxExamples, seed);
    if (train.length < 2) throw new InputError(`${data.train}: needs at least 2 examples to split off validation`);
    ({ train, validation } = stratifiedSplit(train, data.split, seed));
  }
  if (task === 'classification') {
    const classes = new Set(train.map((e) => e.label));
    if (classes.size < 2) throw new InputError(`${data.train}: classification needs at least 2 labels in '${data.labelField}', found ${classes.size}`);
  }
  // Few-shot after the split, from the training side only: validation stays the same for every k.
  const from = train.length;
  if (data.shots !== undefined) train = sampleShots(train, data.shots, seed, 'shots');
  const validationFile = data.validation ?? `${data.train} (split ${data.split})`;
  return { train, validation, trainFile: data.train, validationFile, ...(data.shots !== undefined ? { shotsFrom: from } : {}) };
}

function tokenize(examples: readonly RawExample[], tok: TokenEncoder, maxLength: number, task: EngineTask, labels?: string[]) {
  let truncated = 0;
  const out: Example[] = examples.map((e) => {
    const body = tok.encode(e.text);
    // A causal LM learns where a text ends, so it gets EOS; a classifier pools over the text only.
    const ids = task === 'causal-lm' ? [tok.bos, ...body, tok.eos] : [tok.bos, ...body];
    if (ids.length > maxLength) {
      truncated++;
      ids.length = maxLength;
    }
    const ex: Example = { ids };
    if (labels && e.label !== undefined) ex.label = labels.indexOf(e.label);
    return ex;
  });
  return { examples: out, truncated };
}

export function loadTrialData(
  data: DataConfig,
  task: EngineTask,
  seed: number,
  tokenizer: TokenEncoder,
  contextLength: number,
): TrialData {
  const split = loadSplit(data, task, seed);
  const maxLength = Math.min(data.maxLength ?? contextLength, contextLength);
  const labels = task === 'classification' ? [...new Set(split.train.map((e) => e.label!))].sort() : undefined;
  if (labels) {
    const unknown = split.validation.find((e) => !labels.includes(e.label!));
    if (unknown) {
      throw new InputError(`${split.validationFile}:${unknown.line}: label '${unknown.label}' does not occur in the training data`);
    }
  }
  const train = tokenize(split.train, tokenizer, maxLength, task, labels);
  const validation = tokenize(split.validation, tokenizer, maxLength, task, labels);
  const report = buildDataReport(
    { file: split.trainFile, examples: split.train, truncated: train.truncated },
    { file: split.validationFile, examples: split.validation, truncated: validation.truncated },
    task === 'classification',
  );
  if (data.shots !== undefined) report.shots = { perClass: data.shots, from: split.shotsFrom! };
  return { train: train.examples, validation: validation.examples, labels, maxLength, report };
}
