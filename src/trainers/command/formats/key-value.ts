// `key_value`: `name=value` pairs anywhere on a line, as Katib's StdOut metrics collector reads them
// (its default filter is `([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`; this one also reads
// nan and inf, which a diverged run prints). A line without a pair is ordinary output.
import type { LineReader, Values } from './reading.js';

const PAIR = /([A-Za-z_][\w|-]*)\s*=\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[Ee][+-]?\d+)?|[+-]?(?:nan|inf(?:inity)?))(?![\w.])/gi;

export function parseNumberWord(text: string): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(t);
}

export const readKeyValue: LineReader = (line, strict) => {
  const values: Values = {};
  let any = false;
  for (const m of line.matchAll(PAIR)) {
    values[m[1]!] = parseNumberWord(m[2]!);
    any = true;
  }
  if (!any) return strict ? { kind: 'garbage', why: 'no name=value pair' } : { kind: 'none' };
  return { kind: 'values', values };
};
