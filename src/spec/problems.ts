// One problem of a spec: where (a JSON pointer) and what was expected. Rendered one line each.

export interface Problem {
  /** JSON pointer into the spec, e.g. /parameters/learning_rate/min ('' for the whole spec). */
  path: string;
  message: string;
  /** A required key that is missing (dropped when a misspelt key next to it is reported instead). */
  missingRequired?: boolean;
  /** For an unknown key: the pointer of the key it probably meant. */
  suggests?: string;
  /** The problem is the key itself (an unknown key), so its position is the key's, not the value's. */
  onKey?: boolean;
}

/** Escapes one key for a JSON pointer (RFC 6901). */
export function pointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function join(path: string, key: string | number): string {
  return `${path}/${pointerKey(String(key))}`;
}

/** A value as it appears in a message: strings quoted and cut short, objects by kind. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(s);
  }
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** "the string "abc"", "true", "an object" — for "expected X, got Y". */
export function showGot(value: unknown): string {
  return typeof value === 'string' ? `the string ${show(value)}` : show(value);
}

/**
 * Sorts out the final list: a missing required key is dropped when a misspelt key suggested it, and
 * only the first problem at each path is kept (later checks often restate an earlier one).
 */
export function settle(problems: Problem[]): Problem[] {
  const suggested = new Set(problems.flatMap((p) => (p.suggests !== undefined ? [p.suggests] : [])));
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    if (p.missingRequired && suggested.has(p.path)) continue;
    if (seen.has(p.path)) continue;
    seen.add(p.path);
    out.push(p);
  }
  return out;
}

/** Where a JSON pointer sits in the source text (1-based), when the text is known. */
export type Locate = (pointer: string, onKey?: boolean) => { line: number; col: number } | undefined;

/** `file[:line:col]: /pointer: message` — the line and column let an editor jump to the spot. */
export function formatProblem(file: string, p: Problem, locate?: Locate): string {
  const at = locate?.(p.path, p.onKey);
  const where = at !== undefined ? `${file}:${at.line}:${at.col}` : file;
  return `${where}: ${p.path || '/'}: ${p.message}`;
}

/**
 * Problems in the order of the spec's keys (the order of the file), so they read top to bottom. A
 * missing key sorts at its parent; problems at one place keep the order they were found in.
 */
export function inDocumentOrder(problems: Problem[], doc: unknown): Problem[] {
  const order = new Map<string, number>();
  const walk = (v: unknown, path: string): void => {
    order.set(path, order.size);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, join(path, i)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, join(path, k));
  };
  walk(doc, '');
  const rank = (path: string): number => {
    for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const r = order.get(p);
      if (r !== undefined) return r;
      if (p === '') return 0;
    }
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p.path) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.p);
}
