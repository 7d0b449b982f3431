// `regex`: the user's patterns. Each named group is a metric (a group `step` or `epoch` marks the
// evaluation); several patterns may each match a line and contribute to the same evaluation. Python's
// `(?P<name>...)` is accepted as JavaScript's `(?<name>...)`, so a Katib or Python pattern works as written.
import { parseNumberWord } from './key-value.js';
import { compilePattern } from '../../../trial/metric-pattern.js';
import type { LineReader, Values } from './reading.js';

/** A line reader for `sources` (each already checked by compilePattern). */
export function regexReader(sources: readonly string[]): LineReader {
  const patterns = sources.map((s, index) => {
    const compiled = compilePattern(s);
    if (!compiled.ok) throw new Error(`pattern ${index}: ${compiled.why}`);
    return { index, regex: compiled.regex };
  });
  return (line, strict) => {
    const values: Values = {};
    let any = false;
    for (const { index, regex } of patterns) {
      const m = regex.exec(line);
      if (m?.groups === undefined) continue;
      for (const [name, text] of Object.entries(m.groups)) {
        if (text === undefined) continue; // an optional group that did not take part
        const value = parseNumberWord(text.trim());
        if (text.trim() === "" || (Number.isNaN(value) && !/^[+-]?nan$/i.test(text.trim()))) {
          return { kind: 'garbage', why: `group ${name} of /task/metrics/regex/${index} matched ${JSON.stringify(text)}, which is not a number` };
        }
        values[name] = value;
        any = true;
      }
    }
    if (!any) return strict ? { kind: 'garbage', why: 'no pattern of /task/metrics/regex matches it' } : { kind: 'none' };
    return { kind: 'values', values };
  };
}
