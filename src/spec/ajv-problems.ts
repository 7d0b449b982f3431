// Turns ajv's errors into one readable problem each: the JSON pointer and what was expected.
import type { ErrorObject } from 'ajv';
import { didYouMean, otherToolsName } from './did-you-mean.js';
import { join, show, showGot, type Problem } from './problems.js';

type Schema = Record<string, unknown>;

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** Explanations of the schema's patterns, so a message does not show a regular expression. */
const PATTERN_WORDS: Record<string, string> = {
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'",
};

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type.map(String) : [String(type)];
  if (list.length > 1 && list.every((t) => t !== 'integer')) {
    // "a number, string or boolean" reads better than three articles.
    const [first, ...rest] = list;
    return `${TYPE_WORDS[first!]?.split(' ')[0] ?? 'a'} ${orList([first!, ...rest])}`;
  }
  return orList(list.map((t) => TYPE_WORDS[t] ?? t));
}

/** A short description of what a (sub)schema accepts, for anyOf messages. */
function describeSchema(s: Schema): string {
  if (Array.isArray(s.enum)) return orList(s.enum.map((v) => JSON.stringify(v)));
  if (s.type === 'array') {
    const items = (s.items as Schema | undefined) ?? {};
    const unique = s.uniqueItems === true ? ' distinct' : '';
    const min = typeof items.minimum === 'number' ? ` >= ${items.minimum}` : '';
    const what = typeof items.type === 'string' ? `${items.type}s` : 'values';
    return `a non-empty list of${unique} ${what}${min}`;
  }
  return typeWords(s.type);
}

function problemOf(e: ErrorObject): Problem {
  const path = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Schema;
  switch (e.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      return { path: join(path, key), message: 'required but missing', missingRequired: true };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      const guess = didYouMean(key, known);
      const other = guess === undefined ? otherToolsName(key, known) : undefined;
      if (other !== undefined) return { path: join(path, key), message: `unknown key "${key}" (${other.hint})`, suggests: join(path, other.name), onKey: true };
      return guess !== undefined
        ? { path: join(path, key), message: `unknown key "${key}" (did you mean "${guess}"?)`, suggests: join(path, guess), onKey: true }
        : { path: join(path, key), message: `unknown key "${key}" (expected one of ${known.join(', ')})`, onKey: true };
    }
    case 'type': {
      if (/^\/parameters\/[^/]+$/.test(path) && params.type === 'object' && typeof e.data !== 'object') {
        return {
          path,
          message: `expected an object such as { "value": ${JSON.stringify(e.data)} }, { "values": [...] } or a distribution, got ${showGot(e.data)}`,
        };
      }
      return { path, message: `expected ${typeWords(params.type)}, got ${showGot(e.data)}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const values = (params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? didYouMean(e.data, values) : undefined;
      const other = typeof e.data === 'string' && guess === undefined ? otherToolsName(e.data, values) : undefined;
      const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : other !== undefined ? ` (${other.hint})` : '';
      return { path, message: `expected one of ${allowed.join(', ')}, got ${show(e.data)}${hint}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${show(e.data)}` };
    case 'minLength':
      return params.limit === 1
        ? { path, message: 'must not be empty' }
        : { path, message: `must be at least ${String(params.limit)} characters long` };
    case 'maxLength':
      return { path, message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return params.limit === 1
        ? { path, message: 'must not be empty (give at least one value)' }
        : { path, message: `must have at least ${String(params.limit)} items` };
    case 'uniqueItems':
      return { path, message: `must not repeat a value (items ${String(params.j)} and ${String(params.i)} are equal)` };
    case 'pattern': {
      const words = PATTERN_WORDS[String(params.pattern)];
      return { path, message: `${words ?? `must match ${String(params.pattern)}`}, got ${show(e.data)}` };
    }
    case 'discriminator': {
      // `task` is checked against the branch its `type` names; here `type` names none.
      const tagName = String(params.tag);
      const tag: unknown = params.tagValue;
      const branches = ((parent.oneOf as Schema[] | undefined) ?? []).flatMap((b) => {
        const values = ((b.properties as Schema | undefined)?.[tagName] as Schema | undefined)?.enum;
        return Array.isArray(values) ? values.map(String) : [];
      });
      const at = join(path, tagName);
      if (tag === undefined) return { path: at, message: 'required but missing', missingRequired: true };
      const guess = typeof tag === 'string' ? didYouMean(tag, branches) : undefined;
      const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : '';
      return { path: at, message: `expected one of ${branches.map((b) => JSON.stringify(b)).join(', ')}, got ${show(tag)}${hint}` };
    }
    case 'anyOf': {
      const branches = ((e.schema as Schema[] | undefined) ?? []).map(describeSchema);
      return { path, message: `expected ${orList(branches)}, got ${showGot(e.data)}` };
    }
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** ajv errors (allErrors, verbose) → problems. The errors of each anyOf branch fold into the anyOf's one. */
export function ajvProblems(errors: ErrorObject[]): Problem[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  return errors
    .filter((e) => e.keyword === 'anyOf' || !anyOfPaths.some((p) => e.schemaPath.startsWith(p)))
    .map(problemOf);
}
