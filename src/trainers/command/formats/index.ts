// The metrics formats by name (task.metrics.format): a new format is one file plus one line here.
import { readHfLog } from './hf-log.js';
import { readJsonl } from './jsonl.js';
import { readKeyValue } from './key-value.js';
import type { LineReader } from './reading.js';
import { regexReader } from './regex.js';

export type { LineReader, Reading, Values } from './reading.js';

export const FORMATS = {
  jsonl: readJsonl,
  key_value: readKeyValue,
  hf_log: readHfLog,
} as const satisfies Record<string, LineReader>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
/** Where reports are read from. */
export const SOURCES = ['file', 'stdout', 'stderr'] as const;
export type MetricsSourceName = (typeof SOURCES)[number];

/** task.metrics, as the spec gives it (checked by the schema and spec/semantic.ts). */
export interface MetricsSpec {
  from?: MetricsSourceName;
  format?: FormatName;
  regex?: string | string[];
}

/** The reader of a task.metrics: its patterns when it has any, else its format (jsonl by default). */
export function lineReaderOf(spec: MetricsSpec | undefined): LineReader {
  const regex = spec?.regex;
  if (regex !== undefined) return regexReader(typeof regex === 'string' ? [regex] : regex);
  return FORMATS[spec?.format ?? 'jsonl'];
}

/**
 * Whether each report is a whole evaluation, recorded as soon as it is read (jsonl: one object, one
 * evaluation). Otherwise reports with the same step or epoch make one evaluation together (a train
 * line and an eval line of transformers' log, several patterns).
 */
export function isOneLineOneEvaluation(spec: MetricsSpec | undefined): boolean {
  return spec?.regex === undefined && (spec?.format ?? 'jsonl') === 'jsonl';
}
