// A spec's identity: a resumed sweep compares it to refuse running a changed spec into old results.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level (undefined members dropped), so equal data → equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Top-level keys that say how long to run, not what the sweep is: a change to them is not a changed
 * spec (a resume may give a sweep a larger budget). A spec without them hashes as before.
 */
export const RUN_TIME_KEYS = ['stop_when'] as const;

/** sha256 (hex) of the canonical JSON of the spec, run-time keys left out. */
export function specHash(spec: unknown): string {
  let identity = spec;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const copy: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
    for (const key of RUN_TIME_KEYS) delete copy[key];
    identity = copy;
  }
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}
