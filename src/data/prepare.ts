// Each example once normalised, hashed and (when there is a tokenizer) tokenized, so that every
// check reads the same views and nothing is computed twice.
import { normalizedHash } from '../engine/data/report.js';
import type { CheckInput, CheckedExample, DataSide } from './types.js';

export interface Item {
  example: CheckedExample;
  file: string;
  /** Lower-cased, NFKC, whitespace squashed: the text duplicates are judged on. */
  norm: string;
  /** The engine's normalised hash (the same one its data report and leakage flag use). */
  hash: string;
  /** Token ids of the text (without the special tokens: see tokenLength). */
  tokens?: number[];
}

export interface Prepared {
  input: CheckInput;
  train: Item[];
  validation: Item[];
}

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function items(side: DataSide, input: CheckInput): Item[] {
  return side.examples.map((example) => {
    const item: Item = { example, file: side.file, norm: normalize(example.text), hash: normalizedHash(example.text) };
    if (input.tokenizer) item.tokens = input.tokenizer.encode(example.text);
    return item;
  });
}

/** Length in tokens as the trainer counts it: it prepends BOS, and a causal LM also gets EOS (engine/data/dataset.ts). */
export function tokenLength(item: Item, task: CheckInput['task']): number {
  return (item.tokens?.length ?? 0) + (task === 'causal-lm' ? 2 : 1);
}

export function prepare(input: CheckInput): Prepared {
  return { input, train: items(input.train, input), validation: items(input.validation, input) };
}

export function where(item: Item): string {
  return `${item.file}:${item.example.line}`;
}
