// A finesweep sweep as an Optuna JournalStorage log (optuna/storages/_journal/storage.py, 3.1+):
// JSON lines of operations that Optuna replays into a study. Pure: the folded sweep state in, the
// log records out; the CLI writes them.
//
// One study (the sweep's name and objective direction); per trial, in index order, the operations
// Optuna itself writes while a trial runs: CREATE_TRIAL (running), SET_TRIAL_PARAM with the
// parameter's distribution, SET_TRIAL_INTERMEDIATE_VALUE per epoch (step = epoch, the objective
// metric), user attributes, then SET_TRIAL_STATE_VALUES with the value at the best epoch (the
// leaderboard's ranking value). States: completed → COMPLETE, stopped early → PRUNED, failed or
// diverged → FAIL, running → RUNNING, interrupted (resume continues it) or proposed → WAITING.
import type { EpochMetrics } from '../trial/types.js';
import { bestEpoch, finiteValue, type Objective } from '../trial/objective.js';
import { objectiveOfSpec } from '../spec/stored-objective.js';
import { qRange, toSpace, type Dimension, type ParameterEntry } from '../search/space.js';
import type { ParamValue } from '../trial/types.js';
import type { SweepState, TrialState } from '../store/state.js';

/** optuna.storages._journal.storage.JournalOperation */
export const OP = {
  CREATE_STUDY: 0,
  SET_STUDY_USER_ATTR: 2,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
} as const;

/** optuna.trial.TrialState */
export const OPTUNA_STATE = { RUNNING: 0, COMPLETE: 1, PRUNED: 2, FAIL: 3, WAITING: 4 } as const;
/** optuna.study.StudyDirection */
const DIRECTION = { minimize: 1, maximize: 2 } as const;

export type OptunaLog = { op_code: number; worker_id: string } & Record<string, unknown>;

/** An Optuna distribution as distribution_to_json writes it, and a value's internal representation. */
interface Distribution {
  json: string;
  internal(value: ParamValue): number | undefined;
}

function categorical(choices: ParamValue[]): Distribution {
  return {
    json: JSON.stringify({ name: 'CategoricalDistribution', attributes: { choices } }),
    internal: (v) => {
      const i = choices.findIndex((c) => c === v);
      return i === -1 ? undefined : i;
    },
  };
}

function numeric(name: 'FloatDistribution' | 'IntDistribution', attributes: Record<string, unknown>): Distribution {
  return {
    json: JSON.stringify({ name, attributes }),
    internal: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined),
  };
}

function distributionOf(d: Dimension): Distribution {
  switch (d.kind) {
    case 'fixed':
      return categorical([d.value]);
    case 'choice':
      return categorical(d.values);
    case 'uniform':
      return numeric('FloatDistribution', { step: null, low: d.min, high: d.max, log: false });
    case 'log_uniform':
      return numeric('FloatDistribution', { step: null, low: d.min, high: d.max, log: true });
    case 'int_uniform':
      return numeric('IntDistribution', { log: false, step: 1, low: Math.ceil(d.min), high: Math.floor(d.max) });
    case 'q_uniform': {
      const [first, last] = qRange(d.min, d.max, d.q);
      return numeric('FloatDistribution', { step: d.q, low: first * d.q, high: last * d.q, log: false });
    }
  }
}

/**
 * One distribution per parameter name, the same for every trial (Optuna refuses a parameter whose
 * distribution changes within a study): from the spec, else (a parameter the spec does not declare,
 * or a value outside it) a categorical over every value the trials used.
 */
function distributions(spec: unknown, trials: readonly TrialState[]): Map<string, Distribution> {
  const out = new Map<string, Distribution>();
  let space: Dimension[] = [];
  try {
    const params = (spec as { parameters?: Record<string, ParameterEntry> } | undefined)?.parameters;
    if (params) space = toSpace(params);
  } catch {
    space = []; // a spec this version cannot read: every parameter becomes categorical
  }
  for (const d of space) out.set(d.name, distributionOf(d));
  const seen = new Map<string, ParamValue[]>();
  for (const t of trials) {
    for (const [k, v] of Object.entries(t.params)) {
      const list = seen.get(k) ?? [];
      if (!list.includes(v)) list.push(v);
      seen.set(k, list);
    }
  }
  for (const [name, values] of seen) {
    const d = out.get(name);
    if (!d || values.some((v) => d.internal(v) === undefined)) out.set(name, categorical(values));
  }
  return out;
}

/** Optuna's datetime format: isoformat(timespec="microseconds"), naive local time. */
function optunaTime(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function optunaState(t: TrialState): number {
  switch (t.status) {
    case 'completed':
      return OPTUNA_STATE.COMPLETE;
    case 'stopped_early':
      return OPTUNA_STATE.PRUNED;
    case 'failed':
    case 'diverged':
      return OPTUNA_STATE.FAIL;
    case 'running':
      return OPTUNA_STATE.RUNNING;
    default:
      return OPTUNA_STATE.WAITING;
  }
}

/**
 * The objective at each evaluation, keyed as Optuna's `trial.report(value, step)`: the optimizer
 * step when the trainer reported one, else the epoch (epoch-only trainers, older journals). An
 * evaluation without a finite value (a diverged one) has no intermediate value.
 */
function intermediate(epochs: readonly EpochMetrics[], objective: Objective): Array<[number, number]> {
  return epochs.flatMap((e) => {
    const v = finiteValue(e, objective.metric);
    return v === undefined ? [] : [[typeof e.step === 'number' ? e.step : e.epoch, v] as [number, number]];
  });
}

export interface OptunaExport {
  logs: OptunaLog[];
  studyName: string;
  direction: 'minimize' | 'maximize';
  trials: number;
}

/**
 * The Optuna journal records of one sweep (a new journal: its study gets id 0). `now` (ISO) stands in
 * for a start or end time the journal lacks.
 */
export function toOptunaJournal(spec: unknown, state: SweepState, opts: { studyName?: string; now?: string } = {}): OptunaExport {
  const objective = objectiveOfSpec(spec);
  const worker_id = 'finesweep-export-optuna';
  const studyName = opts.studyName ?? state.name ?? ((spec as { name?: unknown })?.name as string | undefined) ?? 'finesweep';
  const logs: OptunaLog[] = [];
  const log = (op_code: number, fields: Record<string, unknown>): void => void logs.push({ op_code, worker_id, ...fields });
  const study_id = 0;
  const now = opts.now ?? new Date().toISOString();

  log(OP.CREATE_STUDY, { study_name: studyName, directions: [DIRECTION[objective.goal]] });
  log(OP.SET_STUDY_USER_ATTR, { study_id, user_attr: { finesweep_objective: objective.metric } });

  const trials = [...state.trials.values()].sort((a, b) => a.index - b.index);
  const dists = distributions(spec, trials);
  trials.forEach((t, trial_id) => {
    const state = optunaState(t);
    const start = optunaTime(t.startedAt) ?? optunaTime(now);
    log(OP.CREATE_TRIAL, state === OPTUNA_STATE.WAITING ? { study_id, state, datetime_start: null } : { study_id, datetime_start: start });
    for (const [name, value] of Object.entries(t.params)) {
      const d = dists.get(name)!;
      log(OP.SET_TRIAL_PARAM, { trial_id, param_name: name, param_value_internal: d.internal(value), distribution: d.json });
    }
    for (const [step, value] of intermediate(t.epochs, objective)) log(OP.SET_TRIAL_INTERMEDIATE_VALUE, { trial_id, step, intermediate_value: value });
    const best = bestEpoch(t.epochs, objective);
    const attrs: Record<string, unknown> = { finesweep_trial_id: t.id, finesweep_status: t.status };
    if (best) attrs.finesweep_best_epoch = best.epoch;
    if (best?.step !== undefined) attrs.finesweep_best_step = best.step;
    if (t.reason) attrs.finesweep_reason = t.reason;
    for (const [key, value] of Object.entries(attrs)) log(OP.SET_TRIAL_USER_ATTR, { trial_id, user_attr: { [key]: value } });
    // A completed trial without a usable objective value cannot be COMPLETE in Optuna: FAIL.
    const final = state === OPTUNA_STATE.COMPLETE && !best ? OPTUNA_STATE.FAIL : state;
    if (final === OPTUNA_STATE.RUNNING || final === OPTUNA_STATE.WAITING) return;
    const values = (final === OPTUNA_STATE.COMPLETE || final === OPTUNA_STATE.PRUNED) && best ? [best.value] : null;
    log(OP.SET_TRIAL_STATE_VALUES, { trial_id, state: final, values, datetime_complete: optunaTime(t.endedAt) ?? start });
  });
  return { logs, studyName, direction: objective.goal, trials: trials.length };
}

/** The records as the journal file's bytes: one JSON object a line. */
export function optunaJournalText(logs: readonly OptunaLog[]): string {
  return logs.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
