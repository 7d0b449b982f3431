// `hf_log`: the dicts that transformers' Trainer prints through its logging callback, in Python
// literal syntax: `{'loss': 0.6931, 'grad_norm': 1.2, 'learning_rate': 5e-05, 'epoch': 0.5}` while
// training and `{'eval_loss': 0.51, 'eval_runtime': 1.2, 'epoch': 1.0}` after an evaluation.
// Names are finesweep's: `eval_x` reads as `val_x` and `loss` as `train_loss`. The eval lines are the
// evaluations; a training line's numbers join the next one. The run's closing summary
// (`train_runtime`, the mean `train_loss`) is not an evaluation and is left out.
import type { LineReader, Values } from './reading.js';

/** A Python number literal, or the float('nan') / float('inf') reprs. */
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|-?inf)$/;

/** The entries of a Python dict literal with string keys; undefined when the text is not one. */
export function parsePythonDict(text: string): Map<string, string> | undefined {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string | undefined => {
    const q = text[i];
    if (q !== "'" && q !== '"') return undefined;
    let out = '';
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === q) {
        i++;
        return out;
      } else out += c;
    }
    return undefined;
  };
  /** A value's source text: a string, or everything up to the next top-level , or }. */
  const value = (): string | undefined => {
    if (text[i] === "'" || text[i] === '"') {
      const s = str();
      return s === undefined ? undefined : JSON.stringify(s);
    }
    const start = i;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    return text.slice(start, i).trim();
  };
  skip();
  if (text[i] !== '{') return undefined;
  i++;
  const out = new Map<string, string>();
  for (;;) {
    skip();
    if (text[i] === '}') return i === text.length - 1 || text.slice(i + 1).trim() === '' ? out : undefined;
    const key = str();
    if (key === undefined) return undefined;
    skip();
    if (text[i] !== ':') return undefined;
    i++;
    skip();
    const v = value();
    if (v === undefined) return undefined;
    out.set(key, v);
    skip();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return undefined;
  }
}

/** transformers' names -> finesweep's. */
export function finesweepName(name: string): string {
  if (name === 'loss') return 'train_loss';
  if (name.startsWith('eval_')) return `val_${name.slice(5)}`;
  return name;
}

export const readHfLog: LineReader = (line, strict) => {
  // A progress bar may share the line (tqdm redraws with \r): the dict is the last {...} on it.
  const at = line.lastIndexOf("{'");
  const dict = at < 0 ? undefined : parsePythonDict(line.slice(at).trim());
  if (dict === undefined) return strict ? { kind: 'garbage', why: "not a Python dict such as {'loss': 0.5, 'epoch': 1.0}" } : { kind: 'none' };
  if (dict.has('train_runtime')) return { kind: 'none' };
  const values: Values = {};
  for (const [key, text] of dict) {
    if (NUMBER.test(text)) values[finesweepName(key)] = Number(text.replace(/^(-?)inf$/, '$1Infinity').replace(/^nan$/, 'NaN'));
  }
  // An evaluation is an eval line; a training line (logged every logging_steps) has no mark of its
  // own: its loss joins the next evaluation, so that every point has the evaluation's metrics.
  if (![...dict.keys()].some((k) => k.startsWith('eval_'))) {
    delete values.epoch;
    return { kind: 'values', values, toNext: true };
  }
  return { kind: 'values', values };
};
