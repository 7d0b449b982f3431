// Validation of a parsed spec: ajv with the one schema (filling defaults), then the semantic checks.
import { Ajv, type ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { ajvProblems } from './ajv-problems.js';
import { formatProblem, inDocumentOrder, settle, show, type Locate, type Problem } from './problems.js';
import { naturalGoal } from '../trial/objective.js';
import { nonFiniteProblems, semanticProblems } from './semantic.js';
import { sweepSchema, type ResolvedSpec } from './types.js';

let compiled: ValidateFunction | undefined;

/** How the spec schema is compiled (the meta-schema test compiles it the same way, checked). */
export const SCHEMA_OPTIONS = { allErrors: true, useDefaults: true, verbose: true, allowUnionTypes: true, discriminator: true } as const;

function validator(): ValidateFunction {
  // allErrors: report every problem at once; verbose: the failing data and schema, for messages;
  // discriminator: `task` is checked against the one branch its `type` names (and gets its defaults).
  // The schema is ours and fixed (tests/spec/schema-meta.test.ts checks it against the meta-schema),
  // so it is not re-checked at every start, and the generated code is not optimized: the validator
  // runs once a command, and those two steps were 60 of the 97 ms compiling it took (bench/RESULTS.md).
  compiled ??= new Ajv({ ...SCHEMA_OPTIONS, validateSchema: false, code: { optimize: false } }).compile(sweepSchema);
  return compiled;
}

/** All problems of a parsed spec, without throwing. Fills defaults into `spec` (ajv useDefaults). */
export function specProblems(raw: unknown, spec: unknown): Problem[] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return [{ path: '', message: `expected an object (the sweep spec), got ${show(spec)}` }];
  }
  const validate = validator();
  validate(spec);
  const found = settle([
    ...nonFiniteProblems(spec),
    ...ajvProblems(validate.errors ?? []),
    ...semanticProblems(raw as Record<string, unknown>, spec as Record<string, unknown>),
  ]);
  return inDocumentOrder(found, spec);
}

/**
 * Validates a parsed spec (pure: the input is not modified) and returns it with defaults filled and
 * the objective's goal set to the metric's natural direction when absent. Throws InputError with one
 * line per problem, each naming `file` (with the line and column when `locate` knows them) and the
 * JSON pointer.
 */
export function validateSpec(obj: unknown, file: string, locate?: Locate): ResolvedSpec {
  const spec: unknown = structuredClone(obj);
  const problems = specProblems(obj, spec);
  if (problems.length > 0) throw new InputError(problems.map((p) => formatProblem(file, p, locate)));
  const resolved = spec as ResolvedSpec & { objective: { goal?: string } | Array<{ metric: string; goal?: string }> };
  if (Array.isArray(resolved.objective)) {
    const terms = resolved.objective.map((t) => ({ metric: t.metric, goal: t.goal ?? naturalGoal(t.metric) })) as ResolvedSpec['objectives'] & object;
    resolved.objectives = terms;
    // The semantic checks made sure the first term is a per-epoch metric.
    resolved.objective = { ...terms[0] } as ResolvedSpec['objective'];
  } else {
    resolved.objective.goal ??= naturalGoal((resolved.objective as { metric: string }).metric);
  }
  return resolved as ResolvedSpec;
}
