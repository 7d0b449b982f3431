// One line of the metrics file -> one epoch's metrics, or what is wrong with it. Pure.
// A line is a JSON object with an integer `epoch` (1-based) and any numeric metrics. Python's json
// module writes NaN, Infinity and -Infinity as bare words, so those are read as numbers too: a
// non-finite loss is how a program says it diverged.
import type { EpochMetrics } from './port.js';

export type ParsedLine =
  | { kind: 'epoch'; metrics: EpochMetrics; /** A loss metric that is NaN or infinite. */ nonFinite?: { metric: string; value: number } }
  | { kind: 'garbage'; why: string };

const SPECIALS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** JSON.parse, also accepting NaN / Infinity / -Infinity as values (outside strings). */
function parseJsonLoose(text: string): unknown {
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

/** A metric whose non-finite value means the run diverged (train_loss, val_loss, any *_loss / *loss). */
export function isLossMetric(name: string): boolean {
  return /loss$/i.test(name);
}

/** Parses one line (without its newline). Non-numeric fields are ignored. */
export function parseMetricsLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = parseJsonLoose(line);
  } catch {
    return { kind: 'garbage', why: 'not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'garbage', why: 'not a JSON object' };
  const obj = value as Record<string, unknown>;
  const epoch = obj.epoch;
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1) {
    return { kind: 'garbage', why: `"epoch" must be an integer >= 1, got ${JSON.stringify(epoch) ?? 'nothing'}` };
  }
  const metrics: EpochMetrics = { epoch };
  let nonFinite: { metric: string; value: number } | undefined;
  for (const [name, v] of Object.entries(obj)) {
    if (name === 'epoch' || typeof v !== 'number') continue;
    if (!Number.isFinite(v)) {
      if (isLossMetric(name)) nonFinite ??= { metric: name, value: v };
      continue; // a non-finite value cannot be journaled (JSON has no NaN); only a loss's means divergence
    }
    metrics[name] = v;
  }
  return nonFinite !== undefined ? { kind: 'epoch', metrics, nonFinite } : { kind: 'epoch', metrics };
}

/** A line cut short for a message. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 117)}...` : line);
}
