// Diagnosis: the flags a careful engineer would raise looking at one trial's curves. Pure: no I/O.
// The rules are written out in docs/report.md ("Diagnosis flags"); keep the two in step.
import type { TrialState } from '../../store/state.js';
import type { EpochMetrics } from '../../trial/types.js';
import { bestEpoch, compareValues, finiteValue, type Objective } from '../../trial/objective.js';
import type { SearchedRange, SpecSummary, Thresholds } from './spec-summary.js';
import { fmtParam, fmtPoint } from '../format.js';
import type { Flag, FlagName } from './flag.js';
import { FLAG_MOVES, fits, moveWords } from './moves.js';
import { DIVERGED_ADVICE, divergence, referenceLoss, withLosses, type LossTrial } from './divergence.js';
import type { EngineTask } from '../../trial/method.js';


export interface DiagnosisContext {
  objective: Objective;
  thresholds: Thresholds;
  taskType?: EngineTask;
  /** Train/validation examples shared by the sweep's data (any trial's data report). */
  leakage: number;
  /** The lowest learning rate at which a trial of the sweep diverged: no trial at or above it is told to raise it. */
  divergedLr?: number;
  /** The spec's `task.method` (a trial's swept `method` overrides it); undefined for a command trainer. */
  method?: string;
  /**
   * Where the trial stands against the sweep on objective vs forgetting: `undefined` when not judged
   * (not ranked, or no forgetting measured), else whether it is on the Pareto front and, off the
   * front, a trial that scored at least as well while forgetting less.
   */
  forgettingFront?: { onFront: boolean; dominatedBy?: { id: string; rise: number; value: number } };
}

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
const num = (x: number): string => Number(x.toPrecision(4)).toString();

function overfitting(trial: LossTrial, ctx: DiagnosisContext): Flag | undefined {
  const epochs = trial.epochs;
  const last = epochs.at(-1);
  if (!last || epochs.length < 2) return undefined;
  const bestAt = bestEpoch(epochs, ctx.objective)?.epoch ?? last.epoch;
  const best = epochs.find((e) => e.epoch === bestAt) ?? last;
  const advice = `fewer epochs (best was ${fmtPoint(best)}), lower LR, more data, more regularization`;
  const minVal = epochs.reduce((m, e) => (e.val_loss < m.val_loss ? e : m));
  const rise = (last.val_loss - minVal.val_loss) / Math.abs(minVal.val_loss);
  if (minVal.epoch < last.epoch && rise > ctx.thresholds.overfit_rise && last.train_loss < minVal.train_loss) {
    return {
      name: 'overfitting',
      epoch: minVal.epoch,
      detail: `val loss rose ${pct(rise)} from its minimum ${num(minVal.val_loss)} at ${fmtPoint(minVal)} while train loss fell to ${num(last.train_loss)}`,
      advice,
    };
  }
  const gap = last.val_loss - last.train_loss;
  if (gap > ctx.thresholds.overfit_gap) {
    // The gap's own starting point: the first epoch where it passed the threshold.
    const from = epochs.find((e) => e.val_loss - e.train_loss > ctx.thresholds.overfit_gap)?.epoch ?? last.epoch;
    return { name: 'overfitting', epoch: from, detail: `final val−train loss gap ${num(gap)} > ${ctx.thresholds.overfit_gap}`, advice };
  }
  return undefined;
}

/** The trial's fine-tuning method: its swept `method`, else what its data report says it trained, else the spec's. */
export function methodOf(trial: Pick<TrialState, 'params' | 'dataReport'>, ctx: Pick<DiagnosisContext, 'method'>): string | undefined {
  if (typeof trial.params.method === 'string') return trial.params.method;
  return trial.dataReport?.training?.method ?? ctx.method;
}

/** A flag's moves in words, those that fit the trial's method (moves.ts). */
function movesText(flag: FlagName, method: string | undefined): string[] {
  return FLAG_MOVES[flag].filter((m) => fits(m, method)).map((m) => moveWords(m, method, flag));
}

/**
 * Underfitting's advice: raise the learning rate only below the lowest one that diverged in the
 * sweep. At or above it a flat loss is the wreck of an unstable run (a model collapsed to the prior),
 * so the advice is to lower it.
 */
function underfitAdvice(trial: LossTrial, ctx: DiagnosisContext): string {
  const lr = trial.params.learning_rate;
  const [raise, ...rest] = movesText('underfitting', methodOf(trial, ctx));
  if (ctx.divergedLr !== undefined && typeof lr === 'number') {
    if (lr >= ctx.divergedLr) return `${DIVERGED_ADVICE} (a trial diverged at ${fmtParam('learning_rate', ctx.divergedLr)}${lr > ctx.divergedLr ? ', below this one' : ''})`;
    return [`${raise} (below ${fmtParam('learning_rate', ctx.divergedLr)}, which diverged)`, ...rest].join(', ');
  }
  return [raise, ...rest].join(', ');
}

function underfitting(trial: LossTrial, ctx: DiagnosisContext): Flag | undefined {
  const last = trial.epochs.at(-1);
  if (!last) return undefined;
  const advice = underfitAdvice(trial, ctx);
  const ratio = ctx.thresholds.underfit_ratio;
  const ref = referenceLoss(trial, ctx.taskType);
  if (finite(ref) && last.train_loss > ratio * ref) {
    return { name: 'underfitting', detail: `final train loss ${num(last.train_loss)} > ${ratio} × reference loss ${num(ref)}`, advice };
  }
  // "Barely fell": measured from the loss before any step; the first epoch's mean already holds most of
  // a healthy run's drop, so it is not a fair start.
  const start = trial.initialValLoss;
  if (finite(start) && start > 0 && last.train_loss > ratio * start && ref !== start) {
    return { name: 'underfitting', detail: `train loss barely fell: ${num(start)} → ${num(last.train_loss)}`, advice };
  }
  return undefined;
}

/**
 * Still improving: the objective's trend at the end of the trial, not a single last interval (one
 * noisy evaluation would decide it). Take the evaluations in the last `improving_window` of the
 * trial's progress — in steps when every evaluation has one, else in epochs — and split them into
 * an earlier and a later half (the middle one of an odd count left out): the trial is still
 * improving when the later half's median beats the earlier half's by more than `improving_slope`
 * (a fraction of the earlier median). Medians, so that one outlier at the end cannot decide. A
 * window with fewer than two evaluations (a few whole epochs) falls back to the last two: the
 * last epoch's gain.
 */
function stillImproving(trial: TrialState, ctx: DiagnosisContext): Flag | undefined {
  const { metric, goal } = ctx.objective;
  const points = trial.epochs.flatMap((e) => {
    const value = finiteValue(e, metric);
    return value === undefined ? [] : [{ e, value }];
  });
  if (points.length < 2 || !finiteValue(trial.epochs[trial.epochs.length - 1], metric)) return undefined;
  const bySteps = points.every((p) => p.e.step !== undefined);
  const at = (e: EpochMetrics): number => (bySteps ? e.step! : e.epoch);
  const end = at(points[points.length - 1].e);
  let window = points.filter((p) => at(p.e) > end * (1 - ctx.thresholds.improving_window));
  if (window.length < 2) window = points.slice(-2);
  const half = window.length >> 1;
  const before = median(window.slice(0, half).map((p) => p.value));
  const after = median(window.slice(window.length - half).map((p) => p.value));
  if (before === 0) return undefined;
  const gain = -compareValues(after, before, goal) / Math.abs(before);
  if (!(gain > ctx.thresholds.improving_slope)) return undefined;
  const first = window[0].e;
  const last = points[points.length - 1].e;
  const span = window.length === 2 && !bySteps && last.epoch - first.epoch === 1 ? 'the last epoch' : `its last ${window.length} evaluations (${fmtPoint(first)} to ${fmtPoint(last)})`;
  return { name: 'still_improving', epoch: last.epoch, detail: `${metric} improved ${pct(gain)} over ${span}`, advice: 'more epochs' };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** General-text perplexity rise: final ÷ base − 1 (0.1 = 10 % higher), or undefined when not measured. */
export function forgettingRise(trial: TrialState): number | undefined {
  const f = trial.forgetting;
  if (!f || !finite(f.basePerplexity) || !finite(f.finalPerplexity) || f.basePerplexity <= 0) return undefined;
  return f.finalPerplexity / f.basePerplexity - 1;
}

/**
 * Forgetting as a trade-off: a rise above `forgetting_rise` is flagged only for a trial off the
 * Pareto front of the objective against forgetting, i.e. when another trial scored at least as well
 * and forgot less — that forgetting bought nothing. A trial on the front is one of the sweep's
 * trade-offs (the front is marked in every format); a trial the sweep cannot place (unranked, or the
 * only one) is judged by the threshold alone.
 */
function forgetting(trial: TrialState, ctx: DiagnosisContext): Flag | undefined {
  const rise = forgettingRise(trial);
  const f = trial.forgetting;
  if (rise === undefined || !f || rise <= ctx.thresholds.forgetting_rise) return undefined;
  const front = ctx.forgettingFront;
  if (front?.onFront) return undefined;
  const by = front?.dominatedBy;
  const detail = `general-text perplexity rose ${pct(rise)} (${num(f.basePerplexity)} → ${num(f.finalPerplexity)})${
    by ? `; ${by.id} reached ${ctx.objective.metric} ${num(by.value)} with a rise of ${pct(by.rise)}` : ''
  }`;
  return { name: 'forgetting', detail, advice: movesText('forgetting', methodOf(trial, ctx)).join(', ') };
}

function leakageFlag(count: number): Flag {
  return {
    name: 'leakage',
    detail: `${count} example${count === 1 ? '' : 's'} shared by train and validation`,
    advice: 'remove the shared examples: the validation score cannot be trusted',
  };
}

/**
 * Every flag of one trial. A diverged trial gets no curve-shape flags (its curves say nothing about
 * fit); underfitting and still-improving are judged only on trials that ran to the end.
 */
export function diagnoseTrial(trial: TrialState, ctx: DiagnosisContext): Flag[] {
  const flags: Flag[] = [];
  if (ctx.leakage > 0) flags.push(leakageFlag(ctx.leakage));
  const diverged = trial.epochs.length > 0 || trial.status === 'diverged' ? divergence(trial, ctx.thresholds, ctx.taskType) : undefined;
  if (diverged) flags.push(diverged);
  else {
    // A rule that needs a loss the trainer did not report is not judged: its flag is absent, never wrong.
    const losses = withLosses(trial);
    const shape = [losses && overfitting(losses, ctx)];
    if (trial.status === 'completed') shape.push(losses && underfitting(losses, ctx), stillImproving(trial, ctx));
    for (const f of shape) if (f) flags.push(f);
  }
  const forgot = forgetting(trial, ctx);
  if (forgot) flags.push(forgot);
  return flags;
}

/** Train/validation examples shared, as the largest count any trial's data report found. */
export function sweepLeakage(trials: Iterable<TrialState>): { count: number; examples: string[] } {
  let out = { count: 0, examples: [] as string[] };
  for (const t of trials) {
    const l = t.dataReport?.leakage;
    if (l && l.count > out.count) out = { count: l.count, examples: l.examples.slice(0, 3) };
  }
  return out;
}

/** Sweep-level notes: the best trial on the edge of a numeric parameter's searched range. */
export function edgeNotes(best: TrialState | undefined, view: SpecSummary, trials: readonly TrialState[]): string[] {
  if (!best) return [];
  const notes: string[] = [];
  for (const range of searchedRanges(view, trials)) {
    const v = best.params[range.name];
    if (typeof v !== 'number') continue;
    const side = edgeSide(v, range);
    if (!side) continue;
    const word = side === 'max' ? 'highest' : 'lowest';
    const dir = side === 'max' ? 'above' : 'below';
    notes.push(`the best trial ${best.id} used the ${word} ${range.name} searched (${fmtParam(range.name, v)}): the optimum may lie ${dir} it; widen the range`);
  }
  return notes;
}


/** Ranges from the spec; for a parameter the spec does not describe, the range of values tried. */
export function searchedRanges(view: SpecSummary, trials: readonly TrialState[]): SearchedRange[] {
  const ranges = new Map<string, SearchedRange>();
  for (const p of view.parameters) if (p.range) ranges.set(p.name, p.range);
  const described = new Set(view.parameters.map((p) => p.name));
  // Linear in the trials (a 10,000-trial sweep): running bounds, no lists.
  const tried = new Map<string, { min: number; max: number }>();
  for (const t of trials) {
    for (const k in t.params) {
      const v = t.params[k];
      if (described.has(k) || typeof v !== 'number' || !Number.isFinite(v)) continue;
      const b = tried.get(k);
      if (!b) tried.set(k, { min: v, max: v });
      else {
        if (v < b.min) b.min = v;
        if (v > b.max) b.max = v;
      }
    }
  }
  for (const [name, { min, max }] of tried) {
    if (max > min) ranges.set(name, { name, min, max, kind: 'values', log: false });
  }
  return [...ranges.values()];
}

/** On the edge: a list's end value, or the outer tenth of a distribution (in log space for log_uniform). */
const EDGE_FRACTION = 0.1;
function edgeSide(v: number, r: SearchedRange): 'min' | 'max' | undefined {
  if (r.max <= r.min) return undefined;
  if (r.kind === 'values') return v === r.max ? 'max' : v === r.min ? 'min' : undefined;
  const f = r.log && r.min > 0 && v > 0 ? (Math.log(v) - Math.log(r.min)) / (Math.log(r.max) - Math.log(r.min)) : (v - r.min) / (r.max - r.min);
  return f >= 1 - EDGE_FRACTION ? 'max' : f <= EDGE_FRACTION ? 'min' : undefined;
}
