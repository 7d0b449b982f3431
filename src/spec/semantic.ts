// Checks that JSON Schema cannot express: how parameters combine with the strategy, the task and each
// other. Runs on the spec after ajv (defaults filled), defensively, since that spec may be invalid.
import { dimensionSize, qRange, toSpace, type ParameterEntry } from '../search/space.js';
import { didYouMean } from './suggest.js';
import { join, show, showGot, type Problem } from './problems.js';
import { sweepSchema, type ObjectiveMetric } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What a known trainer parameter accepts. */
interface Rule {
  integer: boolean;
  /** The expectation in words, as in "batch_size must be an integer >= 1". */
  words: string;
  ok: (x: number) => boolean;
}

const NUMERIC_RULES: Record<string, Rule> = {
  learning_rate: { integer: false, words: 'a number > 0', ok: (x) => x > 0 },
  batch_size: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
  epochs: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
  weight_decay: { integer: false, words: 'a number >= 0', ok: (x) => x >= 0 },
  dropout: { integer: false, words: 'a number in [0, 1)', ok: (x) => x >= 0 && x < 1 },
  warmup_ratio: { integer: false, words: 'a number in [0, 1)', ok: (x) => x >= 0 && x < 1 },
  top_k: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
};

export const METHODS = ['full', 'head', 'top_k'] as const;

/** The trainer parameters finesweep knows; other names pass to the trainer unchecked. */
export const KNOWN_PARAMETERS = [...Object.keys(NUMERIC_RULES), 'method'];

/** The metrics an objective may name (every one has a natural goal: trial/objective.ts). */
export const OBJECTIVE_METRICS = sweepSchema.properties.objective.properties.metric.enum as readonly ObjectiveMetric[];

/** Metrics that only one task type produces. */
const METRIC_TASK: Record<string, string> = {
  val_accuracy: 'classification',
  val_f1: 'classification',
  val_perplexity: 'causal-lm',
};

const DISTRIBUTIONS = new Set(['uniform', 'log_uniform', 'int_uniform', 'q_uniform']);
const FORMS = ['value', 'values', 'distribution'] as const;

/** Checks one value of a known parameter (a `value`, an item of `values`, or a bound). */
function checkValue(name: string, v: unknown, path: string, out: Problem[]): void {
  if (name === 'method') {
    if (!(METHODS as readonly unknown[]).includes(v)) {
      out.push({ path, message: `method must be one of ${METHODS.join(', ')}, got ${show(v)}` });
    }
    return;
  }
  const rule = NUMERIC_RULES[name];
  if (rule === undefined) return;
  if (typeof v !== 'number') {
    const quoted = typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? ' (write it without quotes)' : '';
    out.push({ path, message: `expected a number, got ${showGot(v)}${quoted}` });
  } else if (!Number.isFinite(v)) {
    return; // reported by the scan for non-finite numbers
  } else if ((rule.integer && !Number.isInteger(v)) || !rule.ok(v)) {
    out.push({ path, message: `${name} must be ${rule.words}, got ${v}` });
  }
}

function checkParameter(name: string, p: unknown, base: string, strategy: unknown, out: Problem[]): void {
  if (!isObj(p)) return; // ajv reported the type
  const forms = FORMS.filter((f) => p[f] !== undefined);
  if (forms.length === 0) {
    out.push({ path: base, message: 'expected one of "value", "values" or "distribution" (with "min" and "max")' });
    return;
  }
  if (forms.length > 1) {
    out.push({ path: base, message: `give only one of "value", "values", "distribution", got ${forms.join(' and ')}` });
    return;
  }
  if (forms[0] === 'value') checkValue(name, p.value, join(base, 'value'), out);
  if (forms[0] === 'values' && Array.isArray(p.values)) {
    const seen = new Set<string>();
    p.values.forEach((v, i) => {
      checkValue(name, v, join(join(base, 'values'), i), out);
      const key = JSON.stringify(v);
      if (seen.has(key)) out.push({ path: join(join(base, 'values'), i), message: `duplicate value ${show(v)}` });
      seen.add(key);
    });
  }
  if (forms[0] !== 'distribution') {
    for (const k of ['min', 'max', 'q'] as const) {
      if (p[k] !== undefined) out.push({ path: join(base, k), message: `"${k}" applies only with a "distribution"` });
    }
    return;
  }
  checkDistribution(name, p, base, strategy, out);
}

function checkDistribution(name: string, p: Obj, base: string, strategy: unknown, out: Problem[]): void {
  const dist = p.distribution;
  if (typeof dist !== 'string' || !DISTRIBUTIONS.has(dist)) return; // ajv reported the enum
  const at = join(base, 'distribution');
  if (strategy === 'grid') {
    out.push({ path: at, message: 'grid takes only "value" or "values"; use strategy "random" or "tpe" for a distribution' });
    return;
  }
  if (name === 'method') {
    out.push({ path: at, message: `method takes "value" or "values" among ${METHODS.join(', ')}, not a distribution` });
    return;
  }
  const rule = NUMERIC_RULES[name];
  if (rule?.integer && dist !== 'int_uniform' && !(dist === 'q_uniform' && Number.isInteger(p.q) && Number.isInteger(p.min))) {
    out.push({ path: at, message: `${name} must be an integer: use int_uniform (or q_uniform with an integer q and min)` });
    return;
  }
  const { min, max, q } = p;
  let ok = true;
  for (const [k, v] of [['min', min], ['max', max]] as const) {
    if (v === undefined) {
      out.push({ path: join(base, k), message: `required for a distribution`, missingRequired: true });
      ok = false;
    } else if (typeof v !== 'number' || !Number.isFinite(v)) ok = false;
  }
  if (dist === 'q_uniform' && q === undefined) {
    out.push({ path: join(base, 'q'), message: 'required for q_uniform (the step)' });
    ok = false;
  }
  if (dist !== 'q_uniform' && q !== undefined) {
    out.push({ path: join(base, 'q'), message: `only q_uniform takes "q", not ${dist}` });
  }
  if (!ok) return;
  const lo = min as number;
  const hi = max as number;
  if (lo > hi) {
    out.push({ path: join(base, 'min'), message: `min > max (${lo} > ${hi})` });
    return;
  }
  if (dist === 'log_uniform' && lo <= 0) {
    out.push({ path: join(base, 'min'), message: `min must be > 0 for log_uniform, got ${lo}` });
    return;
  }
  if (dist === 'int_uniform') {
    for (const [k, v] of [['min', lo], ['max', hi]] as const) {
      if (!Number.isInteger(v)) out.push({ path: join(base, k), message: `must be an integer for int_uniform, got ${v}` });
    }
  }
  if (dist === 'q_uniform' && typeof q === 'number' && q > 0) {
    const [first, last] = qRange(lo, hi, q);
    if (first > last) out.push({ path: join(base, 'q'), message: `no multiple of q (${q}) lies in [min, max] = [${lo}, ${hi}]` });
  }
  if (rule !== undefined) {
    checkValue(name, lo, join(base, 'min'), out);
    checkValue(name, hi, join(base, 'max'), out);
  }
}

function checkParameters(spec: Obj, out: Problem[]): void {
  const params = spec.parameters;
  if (!isObj(params)) return;
  const strategy = isObj(spec.strategy) ? spec.strategy.type : undefined;
  for (const [name, p] of Object.entries(params)) {
    const base = join('/parameters', name);
    if (!KNOWN_PARAMETERS.includes(name)) {
      const guess = didYouMean(name, KNOWN_PARAMETERS);
      if (guess !== undefined) {
        out.push({ path: base, message: `unknown key "${name}" (did you mean "${guess}"?)`, suggests: join('/parameters', guess), onKey: true });
        continue;
      }
    }
    checkParameter(name, p, base, strategy, out);
  }
}

function checkStrategy(spec: Obj, out: Problem[]): void {
  const s = spec.strategy;
  if (!isObj(s) || typeof s.type !== 'string') return;
  if (s.type === 'grid') {
    if (s.trials !== undefined) {
      out.push({ path: '/strategy/trials', message: 'only random and tpe take "trials"; grid runs every combination' });
    }
    return;
  }
  if (s.type !== 'random' && s.type !== 'tpe') return;
  if (s.trials === undefined) {
    out.push({ path: '/strategy/trials', message: `required for strategy "${s.type}" (how many trials to draw)` });
    return;
  }
  if (typeof s.trials !== 'number' || !isObj(spec.parameters)) return;
  // Only a space whose entries are all well-formed has a size worth reporting.
  if (out.some((p) => p.path.startsWith('/parameters'))) return;
  try {
    const size = toSpace(spec.parameters as Record<string, ParameterEntry>).reduce((n, d) => n * dimensionSize(d), 1);
    if (s.trials > size) {
      out.push({
        path: '/strategy/trials',
        message: `${s.trials} trials requested but the parameter space has only ${size} distinct combinations`,
      });
    }
  } catch {
    // A malformed entry that the checks above let through: its own problem is reported already.
  }
}

function checkObjective(spec: Obj, out: Problem[]): void {
  const o = spec.objective;
  const task = isObj(spec.task) ? spec.task.type : undefined;
  if (!isObj(o) || typeof o.metric !== 'string') return;
  const needs = METRIC_TASK[o.metric];
  // An unknown task type is reported by ajv; comparing against it would only add noise.
  const known = task === 'classification' || task === 'causal-lm';
  if (needs !== undefined && known && task !== needs) {
    out.push({
      path: '/objective/metric',
      message: `${o.metric} needs task type "${needs}"; a "${task}" task cannot produce it`,
    });
  }
}

function checkTask(raw: Obj, out: Problem[]): void {
  // On the raw spec: after defaults, `split` is always present.
  const data = isObj(raw.task) && isObj(raw.task.data) ? raw.task.data : undefined;
  if (data?.validation !== undefined && data.split !== undefined) {
    out.push({ path: '/task/data/split', message: 'give either "validation" (a file) or "split" (a fraction), not both' });
  }
}

/** Problems beyond the schema. `raw` is the spec as written, `spec` the same after ajv's defaults. */
export function semanticProblems(raw: Obj, spec: Obj): Problem[] {
  const out: Problem[] = [];
  checkTask(raw, out);
  checkParameters(spec, out);
  checkStrategy(spec, out);
  checkObjective(spec, out);
  return out;
}

/** Paths of non-finite numbers (YAML's .nan and .inf), which JSON Schema's "number" cannot name. */
export function nonFiniteProblems(value: unknown, path = ''): Problem[] {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return [{ path, message: `${value} is not allowed (expected a finite number)` }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteProblems(v, join(path, i)));
  if (isObj(value)) return Object.entries(value).flatMap(([k, v]) => nonFiniteProblems(v, join(path, k)));
  return [];
}
