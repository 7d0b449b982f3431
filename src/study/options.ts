// What createStudy accepts, in the spec's own vocabulary (name, seed, objective, strategy,
// early_stopping, diagnosis), checked up front with one error a field, and the resolved spec a
// study records beside its journal so that `finesweep report`, `dashboard` and `export-optuna`
// read it exactly as a CLI sweep's.
import { InputError } from '../errors.js';
import { createScheduler } from '../schedule/index.js';
import type { Scheduler } from '../schedule/scheduler.js';
import { naturalGoal, type Goal, type Objective } from '../trial/objective.js';

/** One metric of the objective, and whether lower or higher is better (default: its natural direction). */
export interface ObjectiveOption {
  metric: string;
  goal?: Goal;
}

/** `early_stopping`: rungs (ASHA) and the grace period count the steps a trial reports. */
export interface EarlyStoppingOption {
  type: 'none' | 'median' | 'asha';
  /** Grace period: no trial stops before this step; ASHA's first rung (default 1). */
  min_steps?: number;
  /** median: other trials that must have reached the step before the median is used (default 3). */
  min_trials?: number;
  /** asha: rungs at min_steps × reduction_factor^i (default 3). */
  reduction_factor?: number;
  /** asha: judge a trial again at its highest rung as later trials reach it (default false: once, on arrival). */
  rejudge?: boolean;
  /** The last step a trial reports, when known: no rung at or past it (default: no limit). */
  max_steps?: number;
}

/** Diagnosis thresholds, as the spec's `diagnosis` (the leaderboard's flags). */
export interface DiagnosisOption {
  overfit_rise?: number;
  overfit_gap?: number;
  underfit_ratio?: number;
  improving_slope?: number;
  forgetting_rise?: number;
  diverge_ratio?: number;
  diverge_rise?: number;
}

export type StrategyName = 'random' | 'tpe';

export interface StudyOptions {
  /** The study's name: letters, digits, '.', '_', '-' (a directory under a results directory, or a database sweep). */
  name: string;
  /**
   * Where the study is recorded: a study directory (its journal, as `finesweep run` writes one) or
   * `postgresql://user@host:port/database`. Absent: in memory only.
   */
  storage?: string;
  /** Seeds the sampler and each trial's `seed` (default 0). */
  seed?: number;
  /** The metric trials are ranked by (default val_loss), or two for a Pareto front. */
  objective?: string | ObjectiveOption | [ObjectiveOption, ObjectiveOption];
  /** `tpe` (default) or `random`; `n_startup_trials` random trials before TPE's model (default 5). */
  strategy?: StrategyName | { type: StrategyName; n_startup_trials?: number };
  early_stopping?: EarlyStoppingOption;
  diagnosis?: DiagnosisOption;
  /** How many times a failed trial is asked again with the same parameters (default 0). */
  max_retries?: number;
}

/** The options after checking, defaults filled. */
export interface ResolvedStudyOptions {
  name: string;
  storage?: string;
  seed: number;
  objective: Objective;
  objectives?: [Objective, Objective];
  strategy: { type: StrategyName; n_startup_trials: number };
  early_stopping: Required<Omit<EarlyStoppingOption, 'max_steps'>> & { max_steps?: number };
  diagnosis: DiagnosisOption;
  max_retries: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/**
 * The metrics of a two-metric objective: the reporter's Pareto ranking reads these per-epoch names
 * (the spec's `forgetting` and `seconds` are measured by the built-in engine, not told).
 */
const PARETO_METRICS = ['val_loss', 'val_accuracy', 'val_f1', 'val_perplexity', 'train_loss'];
const DIAGNOSIS_KEYS: ReadonlyArray<keyof DiagnosisOption> = ['overfit_rise', 'overfit_gap', 'underfit_ratio', 'improving_slope', 'forgetting_rise', 'diverge_ratio', 'diverge_rise'];

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isInt = (x: unknown, min: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;
const show = (x: unknown): string => (x === undefined ? 'nothing' : JSON.stringify(x));

function objectiveTerm(x: unknown, where: string): Objective {
  const o = typeof x === 'string' ? { metric: x } : x;
  if (!isObj(o) || typeof o.metric !== 'string' || o.metric === '') throw new InputError(`${where}: expected a metric name or { metric, goal? }, got ${show(x)}`);
  if (o.goal !== undefined && o.goal !== 'minimize' && o.goal !== 'maximize') throw new InputError(`${where}/goal: expected "minimize" or "maximize", got ${show(o.goal)}`);
  return { metric: o.metric, goal: (o.goal as Goal | undefined) ?? naturalGoal(o.metric) };
}

/** Checks createStudy's options: one InputError naming the field (as a JSON pointer) and what was expected. */
export function resolveStudyOptions(opts: StudyOptions): ResolvedStudyOptions {
  if (!isObj(opts)) throw new InputError(`createStudy: expected an options object, got ${show(opts)}`);
  if (typeof opts.name !== 'string' || !NAME.test(opts.name) || opts.name.length > 100) {
    throw new InputError(`/name: expected letters, digits, '.', '_' or '-' (at most 100), got ${show(opts.name)}`);
  }
  if (opts.storage !== undefined && (typeof opts.storage !== 'string' || opts.storage === '')) {
    throw new InputError(`/storage: expected a directory or postgresql://user@host:port/database, got ${show(opts.storage)}`);
  }
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InputError(`/seed: expected an integer, got ${show(opts.seed)}`);

  let objective: Objective;
  let objectives: [Objective, Objective] | undefined;
  if (Array.isArray(opts.objective)) {
    const list: unknown[] = opts.objective;
    if (list.length !== 2) throw new InputError(`/objective: expected one metric or a list of two, got ${list.length}`);
    objectives = [objectiveTerm(opts.objective[0], '/objective/0'), objectiveTerm(opts.objective[1], '/objective/1')];
    for (const [i, t] of objectives.entries()) {
      if (!PARETO_METRICS.includes(t.metric)) throw new InputError(`/objective/${i}/metric: a two-metric objective takes ${PARETO_METRICS.join(', ')}; got ${show(t.metric)}`);
    }
    objective = objectives[0];
  } else {
    objective = objectiveTerm(opts.objective ?? 'val_loss', '/objective');
  }

  const st = typeof opts.strategy === 'string' ? { type: opts.strategy } : (opts.strategy ?? { type: 'tpe' as const });
  if (!isObj(st) || (st.type !== 'random' && st.type !== 'tpe')) throw new InputError(`/strategy/type: expected "random" or "tpe", got ${show(isObj(st) ? st.type : st)}`);
  const nStartup = (st as { n_startup_trials?: unknown }).n_startup_trials ?? 5;
  if (!isInt(nStartup, 1)) throw new InputError(`/strategy/n_startup_trials: expected an integer >= 1, got ${show(nStartup)}`);

  const es = opts.early_stopping ?? { type: 'none' as const };
  if (!isObj(es) || !['none', 'median', 'asha'].includes(es.type as string)) throw new InputError(`/early_stopping/type: expected "none", "median" or "asha", got ${show(isObj(es) ? es.type : es)}`);
  const early = { type: es.type, min_steps: es.min_steps ?? 1, min_trials: es.min_trials ?? 3, reduction_factor: es.reduction_factor ?? 3, rejudge: es.rejudge ?? false, ...(es.max_steps !== undefined ? { max_steps: es.max_steps } : {}) };
  if (!isInt(early.min_steps, 1)) throw new InputError(`/early_stopping/min_steps: expected an integer >= 1, got ${show(es.min_steps)}`);
  if (!isInt(early.min_trials, 1)) throw new InputError(`/early_stopping/min_trials: expected an integer >= 1, got ${show(es.min_trials)}`);
  if (!isInt(early.reduction_factor, 2)) throw new InputError(`/early_stopping/reduction_factor: expected an integer >= 2, got ${show(es.reduction_factor)}`);
  if (typeof early.rejudge !== 'boolean') throw new InputError(`/early_stopping/rejudge: expected true or false, got ${show(es.rejudge)}`);
  if (early.max_steps !== undefined && !isInt(early.max_steps, 1)) throw new InputError(`/early_stopping/max_steps: expected an integer >= 1, got ${show(es.max_steps)}`);

  const diagnosis = opts.diagnosis ?? {};
  if (!isObj(diagnosis)) throw new InputError(`/diagnosis: expected an object of thresholds, got ${show(diagnosis)}`);
  for (const [k, v] of Object.entries(diagnosis)) {
    if (!(DIAGNOSIS_KEYS as readonly string[]).includes(k)) throw new InputError(`/diagnosis/${k}: unknown threshold; expected one of ${DIAGNOSIS_KEYS.join(', ')}`);
    if (typeof v !== 'number' || !(v >= 0)) throw new InputError(`/diagnosis/${k}: expected a number >= 0, got ${show(v)}`);
  }
  const maxRetries = opts.max_retries ?? 0;
  if (!isInt(maxRetries, 0)) throw new InputError(`/max_retries: expected an integer >= 0, got ${show(opts.max_retries)}`);

  return {
    name: opts.name,
    ...(opts.storage !== undefined ? { storage: opts.storage } : {}),
    seed,
    objective,
    ...(objectives ? { objectives } : {}),
    strategy: { type: st.type, n_startup_trials: nStartup },
    early_stopping: early as ResolvedStudyOptions['early_stopping'],
    diagnosis: { ...diagnosis },
    max_retries: maxRetries,
  };
}

/** The study's scheduler (median, ASHA) through the spec's own factory, on the step axis; undefined when off. */
export function schedulerOf(o: ResolvedStudyOptions): Scheduler | undefined {
  const es = o.early_stopping;
  if (es.type === 'none') return undefined;
  return createScheduler({
    objective: o.objective,
    early_stopping: { type: es.type, min_steps: es.min_steps, min_trials: es.min_trials, reduction_factor: es.reduction_factor, rejudge: es.rejudge },
  });
}

/**
 * The resolved spec recorded with the study (spec.resolved.json, or the database's row): the
 * spec's fields, `parameters` as the space discovered so far, and no `task` (the user's program
 * runs the trials, not a trainer of finesweep's; `finesweep run`/`resume` refuse it).
 */
export function studySpec(o: ResolvedStudyOptions, parameters: Record<string, unknown>): Record<string, unknown> {
  const es = o.early_stopping;
  return {
    name: o.name,
    description: 'A study driven through the finesweep library (createStudy).',
    seed: o.seed,
    library: true,
    strategy: { type: o.strategy.type, n_startup_trials: o.strategy.n_startup_trials },
    parameters,
    objective: o.objective,
    ...(o.objectives ? { objectives: o.objectives } : {}),
    early_stopping:
      es.type === 'none'
        ? { type: 'none' }
        : { type: es.type, min_steps: es.min_steps, min_trials: es.min_trials, reduction_factor: es.reduction_factor, rejudge: es.rejudge },
    diagnosis: o.diagnosis,
    resources: { max_retries: o.max_retries },
  };
}
