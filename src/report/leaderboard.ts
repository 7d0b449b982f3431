// The leaderboard: ranked trials with their diagnosis, in one format-independent structure that
// every renderer (table, md, csv, json, html) reads. Pure: no I/O.
import type { EpochMetrics } from '../trial/types.js';
import type { PlannedTrial } from '../search/space.js';
import type { Params } from '../trial/types.js';
import type { TrialStatus } from '../trial/status.js';
import type { SweepState, TrialState } from '../store/state.js';
import { diagnoseTrial, edgeNotes, sweepLeakage, type Flag, type FlagName } from './diagnose.js';
import { rankTrials, trialSeconds, type BestEpoch } from './rank.js';
import { viewSpec, type Objective, type Thresholds } from './spec-view.js';

export interface LeaderboardInput {
  /** The resolved spec as stored with the sweep (read defensively; may be undefined). */
  spec: unknown;
  state: SweepState;
  /** The sweep directory, for the report's header. */
  dir?: string;
  /** Trials the controller planned (grid expansion); those not in the journal yet are pending. */
  planned?: readonly PlannedTrial[];
}

export interface LeaderboardRow {
  rank?: number;
  id: string;
  index: number;
  status: TrialStatus;
  params: Params;
  best?: BestEpoch;
  /** Epochs finished. */
  epochsDone: number;
  finalTrainLoss?: number;
  finalValLoss?: number;
  /** Final val loss minus final train loss. */
  gap?: number;
  seconds?: number;
  flags: Flag[];
  /** Why it failed, diverged or stopped. */
  reason?: string;
  /** The ASHA rung a trial stopped early at. */
  rung?: number;
  /** Per-epoch metrics (without per-step losses), for the curves. */
  curve: EpochMetrics[];
}

export interface AdviceLine {
  flag: FlagName;
  trials: string[];
  advice: string;
}

export interface Leaderboard {
  name?: string;
  description?: string;
  dir?: string;
  objective: Objective;
  thresholds: Thresholds;
  /** learning_rate, batch_size, epochs, then every other swept parameter. */
  paramColumns: string[];
  rows: LeaderboardRow[];
  /** Rows left out by `top`. */
  hidden: number;
  counts: Partial<Record<TrialStatus, number>>;
  /** Trials the strategy will still propose (random/tpe) that are not in the journal yet. */
  unproposed: number;
  completed: boolean;
  leakage: { count: number; examples: string[] };
  /** Sweep-level notes (the best trial on the edge of a searched range). */
  notes: string[];
  /** One line per flag and advice, naming the trials it applies to (leakage is in `leakage`). */
  advice: AdviceLine[];
  /** Failed, diverged and stopped trials with their reason. */
  problems: Array<{ id: string; status: TrialStatus; reason: string }>;
}

const FIXED_COLUMNS = ['learning_rate', 'batch_size', 'epochs'];

function pendingTrial(p: PlannedTrial): TrialState {
  return { id: p.id, index: p.index, params: p.params, status: 'pending', attempts: 0, epochs: [] };
}

function paramColumns(view: ReturnType<typeof viewSpec>, trials: readonly TrialState[]): string[] {
  const cols = [...FIXED_COLUMNS];
  for (const p of view.parameters) if (p.swept && !cols.includes(p.name)) cols.push(p.name);
  // Parameters that vary across trials though the spec does not say so (e.g. TPE proposals).
  const seen = new Map<string, Set<string>>();
  for (const t of trials) for (const [k, v] of Object.entries(t.params)) seen.set(k, (seen.get(k) ?? new Set()).add(String(v)));
  for (const [k, vs] of seen) if (vs.size > 1 && !cols.includes(k)) cols.push(k);
  return cols;
}

export function buildLeaderboard(input: LeaderboardInput, opts: { top?: number } = {}): Leaderboard {
  const view = viewSpec(input.spec);
  const trials = [...input.state.trials.values()];
  const known = new Set(trials.map((t) => t.id));
  for (const p of input.planned ?? []) if (!known.has(p.id)) trials.push(pendingTrial(p));

  const leakage = sweepLeakage(trials);
  const ctx = { objective: view.objective, thresholds: view.thresholds, taskType: view.taskType, leakage: leakage.count };
  const ranked = rankTrials(trials, view.objective);

  const rows: LeaderboardRow[] = ranked.map(({ trial, rank, best }) => {
    const last = trial.epochs.at(-1);
    return {
      rank,
      id: trial.id,
      index: trial.index,
      status: trial.status,
      params: trial.params,
      best,
      epochsDone: trial.epochs.length,
      finalTrainLoss: last?.train_loss,
      finalValLoss: last?.val_loss,
      gap: last && last.val_loss !== undefined && last.train_loss !== undefined ? last.val_loss - last.train_loss : undefined,
      seconds: trialSeconds(trial),
      flags: diagnoseTrial(trial, ctx),
      reason: trial.reason,
      ...(trial.rung !== undefined ? { rung: trial.rung } : {}),
      curve: trial.epochs.map(({ steps: _steps, ...e }) => e),
    };
  });

  const counts: Partial<Record<TrialStatus, number>> = {};
  for (const t of trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
  const bestTrial = ranked.find((r) => r.rank === 1)?.trial;
  const top = opts.top !== undefined && opts.top >= 0 ? opts.top : rows.length;
  const shown = rows.slice(0, top);

  const advice = new Map<string, AdviceLine>();
  for (const row of shown) {
    for (const f of row.flags) {
      if (f.name === 'leakage') continue;
      const key = `${f.name}\u0000${f.advice}`;
      const line = advice.get(key) ?? { flag: f.name, trials: [], advice: f.advice };
      line.trials.push(row.id);
      advice.set(key, line);
    }
  }

  return {
    name: input.state.name ?? view.name,
    description: view.description,
    dir: input.dir,
    objective: view.objective,
    thresholds: view.thresholds,
    paramColumns: paramColumns(view, trials),
    rows: shown,
    hidden: rows.length - shown.length,
    counts,
    unproposed: Math.max(0, (view.plannedTrials ?? 0) - trials.length),
    completed: input.state.completed,
    leakage,
    notes: edgeNotes(bestTrial, view, trials),
    advice: [...advice.values()],
    problems: shown
      .filter((r) => (r.status === 'failed' || r.status === 'diverged' || r.status === 'stopped' || r.status === 'stopped_early') && r.reason)
      .map((r) => ({ id: r.id, status: r.status, reason: r.reason! })),
  };
}
