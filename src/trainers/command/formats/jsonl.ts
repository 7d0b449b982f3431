// `jsonl`: one JSON object a line (finesweep's own protocol). Python's json module writes NaN,
// Infinity and -Infinity as bare words, so those are read as numbers too. Non-numeric fields are
// ignored.
import type { LineReader, Values } from './reading.js';

const SPECIALS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** JSON.parse, also accepting NaN / Infinity / -Infinity as values (outside strings). */
export function parseJsonLoose(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (first) {
    // Replace the bare words outside strings by unlikely string markers, then map them back.
    const marker = '\u0000fs:';
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        out += c;
        if (c === '\\') out += text[++i] ?? '';
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') {
        inString = true;
        out += c;
        continue;
      }
      const word = ['-Infinity', 'Infinity', 'NaN'].find((w) => text.startsWith(w, i));
      if (word !== undefined) {
        out += JSON.stringify(marker + word);
        i += word.length - 1;
        continue;
      }
      out += c;
    }
    if (out === text) throw first;
    return JSON.parse(out, (_key, v: unknown) =>
      typeof v === 'string' && v.startsWith(marker) ? SPECIALS[v.slice(marker.length)] : v,
    ) as unknown;
  }
}

export const readJsonl: LineReader = (line, strict) => {
  const text = line.trim();
  // On stdout, only a line that opens a JSON object is meant as a report.
  if (!strict && !text.startsWith('{')) return { kind: 'none' };
  let value: unknown;
  try {
    value = parseJsonLoose(text);
  } catch {
    return strict ? { kind: 'garbage', why: 'not JSON' } : { kind: 'none' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'garbage', why: 'not a JSON object' };
  const values: Values = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'number') values[name] = v;
  // On stdout, a JSON object without a step or an epoch is the program's own output (a config dump).
  if (!strict && values.step === undefined && values.epoch === undefined) return { kind: 'none' };
  return { kind: 'values', values };
};
