// Small helpers every check uses to word its findings the same way.
import { MAX_EXAMPLES, type Finding, type Severity } from './types.js';

export function finding(code: string, severity: Severity, count: number, message: string, places: readonly string[], advice: string): Finding {
  return { code, severity, count, message, examples: places.slice(0, MAX_EXAMPLES), advice };
}

/** 0.123 → "12.3 %". */
export function pct(share: number): string {
  return `${(100 * share).toFixed(share > 0 && share < 0.001 ? 2 : 1)} %`;
}

/** 12345 → "12,345". */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${int(n)} ${n === 1 ? one : many}`;
}

/** The verb agreeing with a count: verb(1, 'repeats', 'repeat'). */
export function verb(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
