// Checks that JSON Schema cannot express: how parameters combine with the strategy, the task and each
// other. Runs on the spec after ajv (defaults filled), defensively, since that spec may be invalid.
import { dimensionSize, qRange, toSpace, type ParameterEntry } from '../search/space.js';
import { placeholderNames } from '../trial/placeholders.js';
import { METHODS } from '../trial/method.js';
import { compilePattern } from '../trial/metric-pattern.js';
import { GRAD_ACCUM_PLACEHOLDER, NUM_GPUS_PLACEHOLDER } from '../trial/placeholders.js';
import { didYouMean } from './did-you-mean.js';
import { join, show, showGot, type Problem } from './problems.js';
import { sweepSchema, type EngineMetric } from './types.js';
import { LORA_TARGETS, loraTargetsOf } from '../trial/lora.js';
import { naturalGoal } from '../trial/objective.js';

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
  lora_rank: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
  lora_alpha: { integer: false, words: 'a number > 0', ok: (x) => x > 0 },
  max_steps: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
  eval_every_steps: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
  // Micro-batches per optimizer step (the engine's gradient accumulation).
  grad_accum: { integer: true, words: 'an integer >= 1', ok: (x) => x >= 1 },
};

/** Parameters that only `method` lora reads. */
const LORA_PARAMETERS = ['lora_rank', 'lora_alpha', 'lora_targets'];

/** The trainer parameters finesweep knows; other names pass to the trainer unchecked. */
export const KNOWN_PARAMETERS = [...Object.keys(NUMERIC_RULES), 'method', 'lora_targets', 'shots'];

/** The metrics the built-in engine reports, which its objective may name, in the schema's order. */
export const OBJECTIVE_METRICS = sweepSchema.properties.objective.properties.metric.examples as readonly EngineMetric[];

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
  if (name === 'lora_targets') {
    if (loraTargetsOf(v) === undefined) {
      out.push({ path, message: `lora_targets must be a comma-separated string of ${LORA_TARGETS.join(', ')} (or attention, mlp, all), got ${show(v)}` });
    }
    return;
  }
  if (name === 'shots') {
    if (v !== 'all' && !(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
      out.push({ path, message: `shots must be an integer >= 1 or "all", got ${show(v)}` });
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
  if (name === 'method' || name === 'lora_targets') {
    const among = name === 'method' ? METHODS.join(', ') : 'target lists';
    out.push({ path: at, message: `${name} takes "value" or "values" among ${among}, not a distribution` });
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

/** The parameters each kind of task needs: the engine its three; a command `epochs` or `max_steps` (the most it reports). */
const REQUIRED_PARAMETERS = { engine: ['learning_rate', 'batch_size', 'epochs'], command: [] } as const;

/** A command's budget: one of these parameters says how far a trial goes (the scheduler's horizon). */
const COMMAND_BUDGETS = ['epochs', 'max_steps'];

const isCommand = (spec: Obj): boolean => isObj(spec.task) && spec.task.type === 'command';

function checkParameters(spec: Obj, out: Problem[]): void {
  const params = spec.parameters;
  if (!isObj(params)) return;
  const strategy = isObj(spec.strategy) ? spec.strategy.type : undefined;
  const command = isCommand(spec);
  const type = isObj(spec.task) ? spec.task.type : undefined;
  // With no known task type (reported on its own) the parameters it needs are unknown too.
  const required = command ? REQUIRED_PARAMETERS.command : type === 'classification' || type === 'causal-lm' ? REQUIRED_PARAMETERS.engine : [];
  for (const name of required) {
    // The engine's budget is epochs or max_steps (which wins over epochs when both are given).
    if (name === 'epochs' && !command && params.max_steps !== undefined) continue;
    if (params[name] === undefined) out.push({ path: join('/parameters', name), message: 'required but missing', missingRequired: true });
  }
  if (command && COMMAND_BUDGETS.every((name) => params[name] === undefined)) {
    out.push({ path: '/parameters/epochs', message: 'a command task needs "epochs" or "max_steps" (the most epochs or optimizer steps a trial reports)', missingRequired: true });
  }
  for (const [name, p] of Object.entries(params)) {
    const base = join('/parameters', name);
    // A command's parameters are its program's own: only `epochs` means something to finesweep.
    if (command) {
      checkParameter(COMMAND_BUDGETS.includes(name) ? name : '', p, base, strategy, out);
      continue;
    }
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

function checkObjectiveMetric(spec: Obj, metric: string, path: string, out: Problem[], goal?: unknown): void {
  const task = isObj(spec.task) ? spec.task.type : undefined;
  // A command's program may report any metric; whether it does is known only when a trial runs.
  if (task === 'command') {
    if (goal === undefined && !(OBJECTIVE_METRICS as readonly string[]).includes(metric) && metric !== 'forgetting' && metric !== 'seconds') {
      out.push({ path: path.replace(/metric$/, 'goal'), message: `required for the metric "${metric}": say whether "minimize" or "maximize" is better`, missingRequired: true });
    }
    return;
  }
  // A list's terms are checked by the schema's enum; a single objective's metric is any string there.
  if (path === '/objective/metric' && !(OBJECTIVE_METRICS as readonly string[]).includes(metric)) {
    const guess = didYouMean(metric, OBJECTIVE_METRICS);
    out.push({
      path,
      message: `expected one of ${OBJECTIVE_METRICS.map((m) => JSON.stringify(m)).join(', ')}, got ${show(metric)}${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}`,
    });
    return;
  }
  const needs = METRIC_TASK[metric];
  // An unknown task type is reported by ajv; comparing against it would only add noise.
  const known = task === 'classification' || task === 'causal-lm';
  if (needs !== undefined && known && task !== needs) {
    out.push({ path, message: `${metric} needs task type "${needs}"; a "${task}" task cannot produce it` });
  }
  if (metric === 'forgetting' && isObj(spec.task) && spec.task.forgetting === false) {
    out.push({ path, message: 'forgetting needs task.forgetting on (it is measured only then)' });
  }
}

function checkObjective(spec: Obj, out: Problem[]): void {
  const o = spec.objective;
  if (Array.isArray(o)) {
    // A two-metric objective: the first is what early stopping, TPE and the best epoch read.
    const metrics = o.map((t) => (isObj(t) && typeof t.metric === 'string' ? t.metric : undefined));
    metrics.forEach((m, i) => m !== undefined && checkObjectiveMetric(spec, m, `/objective/${i}/metric`, out, isObj(o[i]) ? o[i].goal : undefined));
    if (metrics[0] !== undefined && !(OBJECTIVE_METRICS as string[]).includes(metrics[0])) {
      out.push({ path: '/objective/0/metric', message: `the first metric must be one measured every epoch (${OBJECTIVE_METRICS.join(', ')}), got ${show(metrics[0])}` });
    }
    if (metrics.length === 2 && metrics[0] !== undefined && metrics[0] === metrics[1]) {
      out.push({ path: '/objective/1/metric', message: `the two metrics must differ, got ${show(metrics[1])} twice` });
    }
    return;
  }
  if (!isObj(o) || typeof o.metric !== 'string') return;
  checkObjectiveMetric(spec, o.metric, '/objective/metric', out, o.goal);
}

function checkTask(raw: Obj, out: Problem[]): void {
  // On the raw spec: after defaults, `split` is always present.
  const data = isObj(raw.task) && isObj(raw.task.data) ? raw.task.data : undefined;
  if (data?.validation !== undefined && data.split !== undefined) {
    out.push({ path: '/task/data/split', message: 'give either "validation" (a file) or "split" (a fraction), not both' });
  }
}

/** Every `{name}` in a command's argv and env values must name a parameter of the sweep. */
function checkCommand(spec: Obj, out: Problem[]): void {
  const task = spec.task;
  if (!isObj(task) || task.type !== 'command' || !isObj(spec.parameters)) return;
  // {num_gpus}: the number of GPUs each trial is given (resources.gpus_per_trial), e.g. for torchrun.
  const names = Object.keys(spec.parameters);
  const check = (value: unknown, path: string): void => {
    if (typeof value !== 'string') return;
    for (const name of placeholderNames(value)) {
      if (names.includes(name) || name === NUM_GPUS_PLACEHOLDER || name === GRAD_ACCUM_PLACEHOLDER) continue;
      const guess = didYouMean(name, names);
      const hint = guess !== undefined ? ` (did you mean {${guess}}?)` : ` (parameters: ${names.join(', ')}; write {{ and }} for literal braces)`;
      out.push({ path, message: `placeholder {${name}} names no parameter${hint}` });
      return;
    }
  };
  if (Array.isArray(task.command)) task.command.forEach((arg, i) => check(arg, join('/task/command', i)));
  if (isObj(task.env)) for (const [k, v] of Object.entries(task.env)) check(v, join('/task/env', k));
  checkCommandMetrics(task.metrics, out);
}

/** task.metrics: a format or patterns (not both), and each pattern a regular expression with named groups. */
function checkCommandMetrics(metrics: unknown, out: Problem[]): void {
  if (!isObj(metrics) || metrics.regex === undefined) return;
  if (metrics.format !== undefined) {
    out.push({ path: '/task/metrics/format', message: 'give either "format" or "regex" (patterns are a format of their own)' });
  }
  const patterns = typeof metrics.regex === 'string' ? [[metrics.regex, '/task/metrics/regex'] as const] : Array.isArray(metrics.regex) ? metrics.regex.map((r, i) => [r, join('/task/metrics/regex', i)] as const) : [];
  for (const [pattern, path] of patterns) {
    if (typeof pattern !== 'string') continue; // the schema reported it
    const compiled = compilePattern(pattern);
    if (!compiled.ok) out.push({ path, message: `${show(pattern)} ${compiled.why}` });
  }
}

/** The methods a spec's trials can have: the swept `method` values, else task.method. */
function methodsOf(spec: Obj): unknown[] {
  const params = isObj(spec.parameters) ? spec.parameters : {};
  const m = params.method;
  if (isObj(m)) {
    if (Array.isArray(m.values)) return m.values;
    if (m.value !== undefined) return [m.value];
  }
  return [isObj(spec.task) ? (spec.task.method ?? 'full') : 'full'];
}

/** lora_* parameters need a lora trial; a lora trial needs lora_rank. */
function checkLora(spec: Obj, out: Problem[]): void {
  const params = isObj(spec.parameters) ? spec.parameters : {};
  const methods = methodsOf(spec);
  const swept = isObj(params.method);
  if (!methods.includes('lora')) {
    const where = swept ? `the parameter method takes only ${methods.map(show).join(', ')}` : `task.method is ${show(methods[0])}`;
    for (const name of LORA_PARAMETERS) {
      if (params[name] !== undefined) out.push({ path: join('/parameters', name), message: `${name} applies only with method "lora", but ${where}` });
    }
    return;
  }
  if (params.lora_rank === undefined) {
    const at = swept ? '/parameters/method' : '/task/method';
    out.push({ path: at, message: 'method "lora" needs the parameter lora_rank (e.g. { "values": [4, 8, 16] })' });
  }
}

/** resources.gpus_per_trial: several GPUs a trial means one trial a set, and a list long enough. */
function checkResources(spec: Obj, out: Problem[]): void {
  const r = spec.resources;
  if (!isObj(r) || typeof r.gpus_per_trial !== 'number' || r.gpus_per_trial <= 1) return;
  const n = r.gpus_per_trial;
  if (typeof r.trials_per_gpu === 'number' && r.trials_per_gpu > 1) {
    out.push({ path: '/resources/trials_per_gpu', message: `applies only when each trial takes one GPU, but gpus_per_trial is ${n}` });
  }
  if (Array.isArray(r.gpus) && r.gpus.length < n) {
    out.push({ path: '/resources/gpus_per_trial', message: `${n} GPUs per trial, but resources.gpus lists ${r.gpus.length} (${r.gpus.join(', ')})` });
  }
}

/** The range each engine metric lives in: a stop_when.objective outside it is never reached. */
const METRIC_RANGE: Record<string, [number, number]> = {
  val_accuracy: [0, 1],
  val_f1: [0, 1],
  val_loss: [0, Infinity],
  train_loss: [0, Infinity],
  val_perplexity: [1, Infinity],
};

/** stop_when.objective: a value the objective's metric can reach in its goal's direction. */
function checkStopWhen(spec: Obj, out: Problem[]): void {
  const sw = spec.stop_when;
  if (!isObj(sw) || typeof sw.objective !== 'number') return;
  const o = Array.isArray(spec.objective) ? spec.objective[0] : spec.objective;
  if (!isObj(o) || typeof o.metric !== 'string') return;
  const range = METRIC_RANGE[o.metric];
  if (!range) return;
  const goal = o.goal === 'minimize' || o.goal === 'maximize' ? o.goal : naturalGoal(o.metric);
  const v = sw.objective;
  if (goal === 'maximize' && v > range[1]) {
    out.push({ path: '/stop_when/objective', message: `${o.metric} is at most ${range[1]}, so a trial never reaches ${v} (maximize); expected a value <= ${range[1]}` });
  } else if (goal === 'minimize' && v < range[0]) {
    out.push({ path: '/stop_when/objective', message: `${o.metric} is at least ${range[0]}, so a trial never reaches ${v} (minimize); expected a value >= ${range[0]}` });
  }
}

/** Problems beyond the schema. `raw` is the spec as written, `spec` the same after ajv's defaults. */
export function semanticProblems(raw: Obj, spec: Obj): Problem[] {
  const out: Problem[] = [];
  checkTask(raw, out);
  checkParameters(spec, out);
  checkStrategy(spec, out);
  checkObjective(spec, out);
  checkCommand(spec, out);
  checkResources(spec, out);
  checkStopWhen(spec, out);
  // LoRA is the built-in engine's method; a command's program reads its parameters as it likes.
  if (!(isObj(spec.task) && spec.task.type === 'command')) checkLora(spec, out);
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
