// The dataset check's vocabulary: what it reads (examples already read from their files, and an
// optional tokenizer) and what it reports (findings, each with a severity and one line of advice).

/** error: a sweep on this data would be meaningless (validate refuses it); warning; note. */
export type Severity = 'error' | 'warning' | 'note';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

export interface Finding {
  /** Stable machine name, e.g. `near_duplicates_across`. */
  code: string;
  severity: Severity;
  /** How many examples (or pairs, or tokens: the message says which) the finding is about. */
  count: number;
  /** One line: what was found, with its figures. */
  message: string;
  /** Up to five places, `file:line` (or `file:line ≈ file:line` for a pair). */
  examples: string[];
  /** One line: what to do about it. */
  advice: string;
}

/** An example as the engine's reader returns it, plus the JSON type of its label. */
export interface CheckedExample {
  text: string;
  label?: string;
  /** `typeof` the label in the file ('string', 'number', 'boolean'); CSV labels are strings. */
  labelType?: string;
  /** 1-based line in its file. */
  line: number;
}

export interface DataSide {
  /** The file the examples' line numbers refer to. */
  file: string;
  examples: readonly CheckedExample[];
}

/** What the check needs of a tokenizer (the engine's Tokenizer satisfies it). */
export interface TokenCounter {
  encode(text: string): number[];
}

export type CheckTask = 'classification' | 'causal-lm';

export interface CheckInput {
  task: CheckTask;
  train: DataSide;
  validation: DataSide;
  /** Without a tokenizer the token-based findings (length, causal-lm overlap) are left out. */
  tokenizer?: TokenCounter;
  /** Tokens per example the trainer keeps (the model's context, or the spec's max_length). */
  contextLength?: number;
  /** Labels of mixed JSON types are compared as strings instead of refused. */
  coerceLabels?: boolean;
  /** Train n-grams the causal-LM overlap keeps whole before it samples (default MAX_TRAIN_GRAMS, checks/causal.ts). */
  maxTrainGrams?: number;
}

export interface DataCheckReport {
  task: CheckTask;
  train: { file: string; count: number; tokens?: number };
  validation: { file: string; count: number; tokens?: number };
  contextLength?: number;
  findings: Finding[];
  /** Count of findings per severity. */
  counts: Record<Severity, number>;
  seconds: number;
}

/** How many places a finding quotes (its count is always complete). */
export const MAX_EXAMPLES = 5;
