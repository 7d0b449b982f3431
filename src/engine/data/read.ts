// Reads a JSONL or CSV data file into raw examples, refusing bad data with the file and line.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../errors.js';

export interface RawExample {
  text: string;
  /** The label as a string (classification only). */
  label?: string;
  /** The label's JSON type in the file ('string', 'number', 'boolean'): the dataset check refuses mixed types. */
  labelType?: 'string' | 'number' | 'boolean';
  /** 1-based line of the example in its file, for error messages and reports. */
  line: number;
}

export interface ReadOptions {
  textField: string;
  /** When set, every example must carry a scalar label in this field. */
  labelField?: string;
}

export type DataFormat = 'jsonl' | 'csv';

/**
 * A row without its text or label field. The message stays the reader's one line; the fields the
 * row does have (a CSV's header) ride along, so that a command can say which name to give instead.
 */
export class MissingFieldError extends InputError {
  override name = 'MissingFieldError';
  constructor(
    message: string,
    readonly role: 'text' | 'label',
    readonly found: readonly string[],
    readonly csv: boolean,
  ) {
    super(message);
  }
}

export function formatOf(file: string): DataFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  throw new InputError(`${file}: unknown data format '${ext || '(none)'}'; expected .jsonl or .csv`);
}

export function readExamples(file: string, opts: ReadOptions): RawExample[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${file}: cannot read data file (${code})`);
  }
  return parseExamples(file, bytes, formatOf(file), opts);
}

/** Examples from bytes already read (e.g. standard input); `file` names them in errors. */
export function parseExamples(file: string, bytes: Buffer, format: DataFormat, opts: ReadOptions): RawExample[] {
  const examples = format === 'csv' ? readCsv(file, bytes, opts) : readJsonl(file, bytes, opts);
  if (examples.length === 0) throw new InputError(`${file}: data file has no examples`);
  return examples;
}

/** Splits raw bytes into lines and decodes each strictly, so a bad byte is reported by its line. */
function decodeLines(file: string, bytes: Buffer): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i === bytes.length && start === i) break;
      try {
        lines.push(decoder.decode(bytes.subarray(start, i)).replace(/\r$/, ''));
      } catch {
        throw new InputError(`${file}:${lines.length + 1}: not valid UTF-8`);
      }
      start = i + 1;
    }
  }
  return lines;
}

function readJsonl(file: string, bytes: Buffer, opts: ReadOptions): RawExample[] {
  const out: RawExample[] = [];
  decodeLines(file, bytes).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (err) {
      throw new InputError(`${file}:${line}: not a JSON line (${(err as Error).message})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new InputError(`${file}:${line}: expected a JSON object per line`);
    }
    out.push(toExample(file, line, row as Record<string, unknown>, opts));
  });
  return out;
}

function readCsv(file: string, bytes: Buffer, opts: ReadOptions): RawExample[] {
  // Decode line by line first, only to name the line of a bad byte; csv-parse then sees the text.
  const text = decodeLines(file, bytes).join('\n');
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, info: true, bom: true, relax_column_count: false });
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InputError(`${file}:${e.lines ?? '?'}: not valid CSV (${e.message.split('\n')[0]})`);
  }
  return records.map(({ record, info }) => toExample(file, info.lines, record, opts, true));
}

function toExample(file: string, line: number, row: Record<string, unknown>, opts: ReadOptions, csv = false): RawExample {
  if (!(opts.textField in row)) throw new MissingFieldError(`${file}:${line}: missing text field '${opts.textField}'`, 'text', Object.keys(row), csv);
  const text = row[opts.textField];
  if (typeof text !== 'string') {
    throw new InputError(`${file}:${line}: text field '${opts.textField}' must be a string, got ${typeName(text)}`);
  }
  if (!opts.labelField) return { text, line };
  if (!(opts.labelField in row)) throw new MissingFieldError(`${file}:${line}: missing label field '${opts.labelField}'`, 'label', Object.keys(row), csv);
  const label = row[opts.labelField];
  if (typeof label === 'string' || typeof label === 'boolean' || (typeof label === 'number' && Number.isFinite(label))) {
    return { text, label: String(label), labelType: typeof label as 'string' | 'number' | 'boolean', line };
  }
  throw new InputError(
    `${file}:${line}: label field '${opts.labelField}' has unknown label type ${typeName(label)}; expected a string, number or boolean`,
  );
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return `number ${v}`;
  return typeof v;
}
