// The leaderboard: ranked trials with their diagnosis, in one format-independent structure that
// every renderer (table, md, csv, json, html) reads. Pure: no I/O.
import { budgetWords } from '../../trial/budget.js';
import type { EpochMetrics } from '../../trial/types.js';
import type { PlannedTrial } from '../../trial/types.js';
import type { Params } from '../../trial/types.js';
import type { TrialStatus } from '../../trial/status.js';
import type { SweepState, TrialState } from '../../store/state.js';
import { diagnoseTrial, edgeNotes, forgettingRise, methodOf, searchedRanges, sweepLeakage, type DiagnosisContext } from '../analysis/diagnose.js';
import type { Flag, FlagName } from '../analysis/flag.js';
import { divergence } from '../analysis/divergence.js';
import { frontDominators, paretoRanks, type ParetoPoint } from '../analysis/pareto.js';
import { bestEpoch, type BestEpoch } from '../../trial/objective.js';
import { TRIALS_DIR } from '../../store/layout.js';
import { CHECKPOINT_DIR, WEIGHTS_DIR } from '../../trial/layout.js';
import { rankTrials, trialSeconds } from '../analysis/rank.js';
import { groupRepeats, tieNote } from '../analysis/repeats.js';
import { configurationOf, type RepeatStats } from '../../trial/repeats.js';
import { parameterImportance, type Importance } from '../analysis/importance.js';
import { lrDirections, neighbourIndex, recommend, type AdviceContext, type AdviceTrial, type Recommendation } from '../analysis/advice.js';
import type { SpecChange } from './spec-change.js';
import type { Objective, ObjectiveTerm } from '../../spec/types.js';
import { summarizeSpec, type Thresholds } from '../analysis/spec-summary.js';

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
  /**
   * Epochs finished: the number of evaluations of an epoch-only trainer (one an epoch); for a trial
   * that reports steps, the progress of its last evaluation in epochs (fractional mid-epoch).
   */
  epochsDone: number;
  /** Optimizer steps of the last evaluation (only for a trial that reports steps). */
  stepsDone?: number;
  finalTrainLoss?: number;
  finalValLoss?: number;
  /** Final val loss minus final train loss. */
  gap?: number;
  seconds?: number;
  /** General-text perplexity rise, final ÷ base − 1 (undefined when not measured). */
  forgettingRise?: number;
  /** Pareto rank on the sweep's two metrics (`Leaderboard.pareto`); 1 = on the front. */
  paretoRank?: number;
  flags: Flag[];
  /** The one thing to try, with the sweep's evidence for it (advice.ts); undefined with no flag. */
  recommendation?: Recommendation;
  /** Why it failed, diverged or stopped. */
  reason?: string;
  /** The ASHA rung a trial stopped early at. */
  rung?: number;
  /** Ran out of memory and was retried at this batch_size × grad_accum (params stay the spec's). */
  oomRetry?: { batch_size: number; grad_accum: number };
  /** Per-epoch metrics (without per-step losses), for the curves. */
  curve: EpochMetrics[];
  /** Scalars that train and bytes of one resume checkpoint (from the data report's training part). */
  trainableParameters?: number;
  checkpointBytes?: number;
  /** What stays on disk, relative to the sweep directory (the retention policy may remove either). */
  kept?: { weights?: string; checkpoint?: string };
  /** A configuration run more than once (finesweep rerun): its runs' best values, on each of its rows. */
  repeats?: RepeatStats;
  /** A repeat: the trial whose configuration it ran again with a new seed. */
  repeatOf?: string;
  /** Among the best configurations whose mean ± sd intervals overlap: their order is within noise. */
  tie?: boolean;
}

/** One recommendation and the shown trials it is made to. */
export interface AdviceLine {
  flag: FlagName;
  trials: string[];
  advice: string;
}

/**
 * The two metrics the Pareto front is drawn on: the objective's two metrics when it is a list
 * (the ranking uses them), else the objective against forgetting (shown, not ranked by).
 */
export interface ParetoView {
  metrics: [ObjectiveTerm, ObjectiveTerm];
  /** Ranking by Pareto rank (a two-metric objective) or only marking the front. */
  ranks: boolean;
  /** Trials on the front, best first by the first metric. */
  front: string[];
}

export interface Leaderboard {
  name?: string;
  description?: string;
  dir?: string;
  objective: Objective;
  /** Both metrics of a two-metric objective. */
  objectives?: [ObjectiveTerm, ObjectiveTerm];
  thresholds: Thresholds;
  /** The Pareto front (undefined when fewer than two trials have both values). */
  pareto?: ParetoView;
  /** learning_rate, batch_size, epochs, then every other swept parameter. */
  paramColumns: string[];
  rows: LeaderboardRow[];
  /** Rows left out by `top`. */
  hidden: number;
  counts: Partial<Record<TrialStatus, number>>;
  /** Trials the strategy will still propose (random/tpe) that are not in the journal yet. */
  unproposed: number;
  completed: boolean;
  /** Why the sweep ended before its plan did (its budget, spec stop_when), in words. */
  ended?: string;
  leakage: { count: number; examples: string[] };
  /** Which parameters explain the objective (fANOVA), over every ranked trial; undefined with too few. */
  importance?: Importance;
  /** What `finesweep suggest` would change for the next sweep (next-sweep.ts), from every row. */
  suggestion?: SpecChange[];
  /** Sweep-level notes (the best trial on the edge of a searched range). */
  notes: string[];
  /** One line per recommendation, naming the shown trials it is made to (leakage is in `leakage` too). */
  advice: AdviceLine[];
  /** Failed, diverged and stopped trials with their reason. */
  problems: Array<{ id: string; status: TrialStatus; reason: string }>;
}

const FIXED_COLUMNS = ['learning_rate', 'batch_size', 'epochs'];

/** An epoch without its per-step losses (a copy only when it has them: most journals' epochs do not). */
function withoutSteps(e: EpochMetrics): EpochMetrics {
  if (e.steps === undefined) return e;
  const { steps: _steps, ...rest } = e;
  return rest;
}

function pendingTrial(p: PlannedTrial): TrialState {
  return { id: p.id, index: p.index, params: p.params, status: 'pending', attempts: 0, epochs: [] };
}

function paramColumns(view: ReturnType<typeof summarizeSpec>, trials: readonly TrialState[]): string[] {
  const cols = [...FIXED_COLUMNS];
  for (const p of view.parameters) if (p.swept && !cols.includes(p.name)) cols.push(p.name);
  // Parameters that vary across trials though the spec does not say so (e.g. TPE proposals): one
  // pass comparing each value with the first seen, linear in the trials.
  const first = new Map<string, unknown>();
  const varies = new Set<string>();
  for (const t of trials) {
    for (const k in t.params) {
      if (cols.includes(k) || varies.has(k)) continue;
      const v = t.params[k];
      if (!first.has(k)) first.set(k, v);
      else if (first.get(k) !== v) varies.add(k);
    }
  }
  for (const k of first.keys()) if (varies.has(k)) cols.push(k);
  return cols;
}

/** A trial's value of one metric of the objective: at the first metric's best epoch, or forgetting / wall time. */
function termValue(trial: TrialState, term: ObjectiveTerm, objective: Objective): number | undefined {
  if (term.metric === 'forgetting') return forgettingRise(trial);
  if (term.metric === 'seconds') return trialSeconds(trial);
  const best = bestEpoch(trial.epochs, objective);
  const epoch = best ? trial.epochs.find((e) => e.epoch === best.epoch) : undefined;
  const v = epoch?.[term.metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const oriented = (v: number | undefined, term: ObjectiveTerm): number => (v === undefined ? Number.NaN : term.goal === 'minimize' ? v : -v);

/** Pareto ranks over the completed trials with a best epoch; `by`: a front trial dominating each other one. */
function paretoOf(trials: readonly TrialState[], terms: [ObjectiveTerm, ObjectiveTerm], objective: Objective) {
  const pool = trials.filter((t) => t.status === 'completed' && t.epochs.length > 0);
  const values = pool.map((t) => [termValue(t, terms[0], objective), termValue(t, terms[1], objective)] as const);
  const points: ParetoPoint[] = values.map(([a, b]) => ({ a: oriented(a, terms[0]), b: oriented(b, terms[1]) }));
  const ranks = paretoRanks(points);
  const dom = frontDominators(points, ranks);
  const rank = new Map<TrialState, number>();
  const by = new Map<TrialState, { id: string; rise: number; value: number }>();
  pool.forEach((t, i) => {
    if (ranks[i] !== undefined) rank.set(t, ranks[i]!);
    const j = dom[i];
    if (j !== undefined) by.set(t, { id: pool[j].id, value: values[j][0]!, rise: values[j][1]! });
  });
  const front = pool
    .map((t, i) => ({ id: t.id, a: points[i].a, rank: ranks[i] }))
    .filter((x) => x.rank === 1)
    .sort((x, y) => x.a - y.a);
  return { rank, by, front: front.map((x) => x.id), judged: rank.size };
}

/** Where a trial's kept files are, from the journal alone: what it wrote minus what was removed. */
function keptOf(trial: TrialState): LeaderboardRow['kept'] {
  const kept: NonNullable<LeaderboardRow['kept']> = {};
  if (trial.epochs.length > 0 && !trial.removed?.includes(WEIGHTS_DIR)) kept.weights = `${TRIALS_DIR}/${trial.id}/${WEIGHTS_DIR}/`;
  if (!trial.removed?.includes(CHECKPOINT_DIR)) kept.checkpoint = `${TRIALS_DIR}/${trial.id}/${CHECKPOINT_DIR}/`;
  return kept;
}

export function buildLeaderboard(input: LeaderboardInput, opts: { top?: number } = {}): Leaderboard {
  const view = summarizeSpec(input.spec);
  const trials = [...input.state.trials.values()];
  const known = new Set(trials.map((t) => t.id));
  for (const p of input.planned ?? []) if (!known.has(p.id)) trials.push(pendingTrial(p));

  const leakage = sweepLeakage(trials);
  const objective = view.objective;
  const asTerm: ObjectiveTerm = { metric: objective.metric, goal: objective.goal };
  const forgettingTerms: [ObjectiveTerm, ObjectiveTerm] = [asTerm, { metric: 'forgetting', goal: 'minimize' }];
  // Objective against forgetting: the forgetting flag's trade-off, and the front shown for one metric.
  const forgettingFront = paretoOf(trials, forgettingTerms, objective);
  const ranking = view.objectives ? paretoOf(trials, view.objectives, objective) : undefined;
  const shownFront = ranking ?? forgettingFront;
  // Repeats (finesweep rerun) rank by their configuration's mean; a Pareto ranking stays as it is.
  const repeatView = groupRepeats(rankTrials(trials, objective, ranking ? (t) => ranking.rank.get(t) : undefined), objective, ranking !== undefined);
  const ranked = repeatView.ranked;

  // The lowest learning rate that diverged: no trial at or above it is told to raise it.
  let divergedLr: number | undefined;
  for (const t of trials) {
    const lr = t.params.learning_rate;
    if (typeof lr !== 'number' || !(t.epochs.length > 0 || t.status === 'diverged')) continue;
    if ((divergedLr === undefined || lr < divergedLr) && divergence(t, view.thresholds, view.taskType)) divergedLr = lr;
  }
  const base: DiagnosisContext = { objective, thresholds: view.thresholds, taskType: view.taskType, leakage: leakage.count, divergedLr, method: view.method };
  // Forgetting is judged against the sweep only where at least two trials can be compared.
  const judgeFront = forgettingFront.judged >= 2;

  // Every trial's flags first: the advice weighs each trial against the whole sweep.
  const flagsOf = new Map<TrialState, Flag[]>();
  for (const { trial } of ranked) {
    const onFront = forgettingFront.rank.get(trial);
    const ctx: DiagnosisContext =
      judgeFront && onFront !== undefined
        ? { objective: base.objective, thresholds: base.thresholds, taskType: base.taskType, leakage: base.leakage, divergedLr: base.divergedLr, method: base.method, forgettingFront: { onFront: onFront === 1, dominatedBy: forgettingFront.by.get(trial) } }
        : base;
    flagsOf.set(trial, diagnoseTrial(trial, ctx));
  }
  // A configuration run several times is judged on its mean (groupRepeats' stats), once per run.
  const judged: AdviceTrial[] = ranked.map((r) => {
    const runs = repeatView.stats.get(configurationOf(r.trial));
    if (r.rank === undefined) return { trial: r.trial };
    return runs ? { trial: r.trial, value: runs.mean, runs: runs.n } : { trial: r.trial, value: r.best?.value };
  });
  const advice: AdviceContext = {
    objective,
    method: view.method,
    ranges: searchedRanges(view, trials),
    lrDirection: lrDirections(judged, objective, divergedLr, (t) => flagsOf.get(t) ?? []),
    neighbours: neighbourIndex(judged, ['learning_rate', 'epochs', 'method', 'top_k', 'lora_rank']),
    leakage: leakage.count,
  };

  // Rows are built field by field (no object spread of optional parts, a cost at 10,000 rows), in
  // the key order the JSON has always had.
  const rows: LeaderboardRow[] = ranked.map(({ trial, rank, best }, i) => {
    const flags = flagsOf.get(trial)!;
    const last = trial.epochs.at(-1);
    const paretoRank = shownFront.rank.get(trial);
    // flags and curve are set below, after paretoRank (the JSON's key order).
    const row = {
      rank,
      id: trial.id,
      index: trial.index,
      status: trial.status,
      params: trial.params,
      best,
      epochsDone: typeof last?.step === 'number' ? last.epoch : trial.epochs.length,
      ...(typeof last?.step === 'number' ? { stepsDone: last.step } : {}),
      finalTrainLoss: last?.train_loss,
      finalValLoss: last?.val_loss,
      gap: last && last.val_loss !== undefined && last.train_loss !== undefined ? last.val_loss - last.train_loss : undefined,
      seconds: trialSeconds(trial),
      forgettingRise: forgettingRise(trial),
    } as LeaderboardRow;
    if (paretoRank !== undefined && shownFront.judged >= 2) row.paretoRank = paretoRank;
    row.flags = flags;
    row.recommendation = recommend(judged[i], flags, advice, methodOf(trial, base));
    row.reason = trial.reason;
    if (trial.rung !== undefined) row.rung = trial.rung;
    if (trial.retryWith !== undefined) row.oomRetry = trial.retryWith;
    row.curve = trial.epochs.map(withoutSteps);
    const training = trial.dataReport?.training;
    if (training) {
      row.trainableParameters = training.trainableParameters;
      row.checkpointBytes = training.checkpointBytes;
      row.kept = keptOf(trial);
    }
    const repeats = repeatView.stats.get(configurationOf(trial));
    if (repeats) {
      row.repeats = repeats;
      if (trial.repeatOf !== undefined) row.repeatOf = trial.repeatOf;
      if (repeatView.tie.includes(configurationOf(trial))) row.tie = true;
    }
    return row;
  });

  const counts: Partial<Record<TrialStatus, number>> = {};
  for (const t of trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
  const bestTrial = ranked.find((r) => r.rank === 1)?.trial;

  const cols = paramColumns(view, trials);
  const logScale = new Set(view.parameters.filter((p) => p.range?.log).map((p) => p.name).concat('learning_rate'));
  const importance = parameterImportance(
    // One point per configuration: the mean of its repeats where it has them.
    rows.filter((r) => r.rank !== undefined && r.best && r.repeatOf === undefined).map((r) => ({ params: r.params, value: r.repeats?.mean ?? r.best!.value })),
    cols,
    { logScale: (n) => logScale.has(n) },
  );

  const lb: Leaderboard = {
    name: input.state.name ?? view.name,
    description: view.description,
    dir: input.dir,
    objective,
    ...(view.objectives ? { objectives: view.objectives } : {}),
    thresholds: view.thresholds,
    ...(shownFront.judged >= 2
      ? { pareto: { metrics: ranking ? view.objectives! : forgettingTerms, ranks: ranking !== undefined, front: shownFront.front } }
      : {}),
    paramColumns: cols,
    rows,
    hidden: 0,
    counts,
    unproposed: Math.max(0, (view.plannedTrials ?? 0) - trials.length),
    completed: input.state.completed,
    ...(input.state.ended !== undefined && !input.state.completed ? { ended: budgetWords(input.state.ended) } : {}),
    leakage,
    ...(importance ? { importance } : {}),
    notes: [...(repeatView.tie.length > 0 ? [tieNote(repeatView)!] : []), ...edgeNotes(bestTrial, view, trials)],
    advice: adviceOf(rows),
    problems: problemsOf(rows),
  };
  return opts.top === undefined ? lb : topOf(lb, opts.top);
}

/** One line per recommendation, naming the rows it is made to (leakage has its own line). */
function adviceOf(rows: readonly LeaderboardRow[]): AdviceLine[] {
  const advice = new Map<string, AdviceLine>();
  for (const row of rows) {
    const r = row.recommendation;
    if (!r || r.flag === 'leakage') continue;
    const key = `${r.flag}\u0000${r.text}`;
    const line = advice.get(key) ?? { flag: r.flag, trials: [], advice: r.text };
    line.trials.push(row.id);
    advice.set(key, line);
  }
  return [...advice.values()];
}

function problemsOf(rows: readonly LeaderboardRow[]): Leaderboard['problems'] {
  return rows
    .filter((r) => (r.status === 'failed' || r.status === 'diverged' || r.status === 'stopped' || r.status === 'stopped_early') && r.reason)
    .map((r) => ({ id: r.id, status: r.status, reason: r.reason! }));
}

/**
 * The leaderboard cut to its `top` rows (`--top`): the advice and problems of the rows shown. What
 * is judged on every trial (importance, the next sweep) is kept as built from all of them.
 */
export function topOf(lb: Leaderboard, top: number | undefined): Leaderboard {
  if (top === undefined || top < 0 || top >= lb.rows.length) return lb;
  const shown = lb.rows.slice(0, top);
  return { ...lb, rows: shown, hidden: lb.hidden + lb.rows.length - shown.length, advice: adviceOf(shown), problems: problemsOf(shown) };
}
