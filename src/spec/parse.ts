// Parses spec text (JSON or YAML) into a plain value; syntax errors carry the file, line and column.
import { isCollection, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Locate } from './problems.js';
import { InputError } from '../errors.js';

export type SpecFormat = 'json' | 'yaml';

export function formatOf(file: string): SpecFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, col: before.length - before.lastIndexOf('\n') };
}

export function parseSpecText(text: string, format: SpecFormat, file: string): unknown {
  return format === 'json' ? parseJson(text, file) : parseYaml(text, file);
}

function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    // V8's message sometimes has no position ("Unexpected token '}', ... is not valid JSON"), so the
    // position comes from a scan of our own.
    const { line, col } = lineCol(text, jsonErrorOffset(text));
    const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    // The token may be a newline; a problem must stay on one line.
    const oneLine = reason.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    throw new InputError(`${file}:${line}:${col}: invalid JSON: ${oneLine}`);
  }
  // JSON.parse keeps the last of two equal keys without a word; a hand-edited spec that repeats a
  // key almost always meant something else, so read it again (as YAML flow) to find repeats.
  const repeats = parseDocument(text).errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (repeats.length > 0) {
    throw new InputError(
      repeats.map((e) => {
        const { line, col } = lineCol(text, e.pos[0]);
        const key = /"(?:[^"\\]|\\.)*"/y;
        key.lastIndex = e.pos[0];
        return `${file}:${line}:${col}: invalid JSON: key ${key.exec(text)?.[0] ?? ''} appears twice in one object; give each key once`;
      }),
    );
  }
  return value;
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at !== undefined ? `:${at.line}:${at.col}` : '';
        return `${file}${where}: invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  return doc.toJS() as unknown;
}

/**
 * Finds where a JSON pointer sits in spec text (JSON is read as YAML flow for this; only positions
 * are taken from it). A pointer to a missing key gives its parent's position.
 */
export function locator(text: string): Locate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) return () => undefined;
  return (pointer, onKey) => {
    const keys = pointer === '' ? [] : pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (onKey && keys.length > 0) {
      const parent: unknown = keys.length === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === keys[keys.length - 1]);
        const range = isScalar(pair?.key) ? pair.key.range : undefined;
        if (range) return lineCounter.linePos(range[0]);
      }
    }
    for (let n = keys.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined && (n > 0 || isCollection(node))) return lineCounter.linePos(range[0]);
    }
    return undefined;
  };
}

/** Offset of the first character at which `text` stops being valid JSON (text.length if it ends early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  class Stop {}
  const fail = (): never => {
    throw new Stop();
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail();
      } else if (c < ' ') fail();
      else i++;
    }
  };
  const container = (close: string, member: () => void): void => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      container('}', () => {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    } else if (c === '[') container(']', value);
    else if (c === '"') string();
    else {
      const num = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
      num.lastIndex = i;
      const m = num.exec(text);
      if (m !== null && m[0] !== '' && m[0] !== '-') i += m[0].length;
      else {
        const lit = ['true', 'false', 'null'].find((l) => text.startsWith(l, i));
        if (lit === undefined) fail();
        i += lit!.length;
      }
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return text.length;
  } catch (e) {
    if (e instanceof Stop) return i;
    throw e;
  }
}
