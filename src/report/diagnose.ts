// Diagnosis: the flags a careful engineer would raise looking at one trial's curves. Pure: no I/O.
// The rules are written out in docs/diagnosis.md; keep the two in step.
import type { TrialState } from '../store/state.js';
import type { EpochMetrics } from '../trial/types.js';
import { bestEpoch, compareValues, objectiveValue } from './rank.js';
import type { Objective, SearchedRange, SpecView, Thresholds } from './spec-view.js';
import { fmtParam } from './format.js';

export type FlagName = 'leakage' | 'diverged' | 'overfitting' | 'underfitting' | 'still_improving' | 'forgetting';

export interface Flag {
  name: FlagName;
  /** The epoch the flag points at (where overfitting began, where the loss blew up). */
  epoch?: number;
  /** What was measured, in one line. */
  detail: string;
  /** What to try, in one line. */
  advice: string;
}

export interface DiagnosisContext {
  objective: Objective;
  thresholds: Thresholds;
  taskType?: 'classification' | 'causal-lm';
  /** Train/validation examples shared by the sweep's data (any trial's data report). */
  leakage: number;
}

/**
 * A loss more than this fraction above its starting value counts as diverged: a fixed margin keeps
 * the epoch-to-epoch noise of a flat curve (a learning rate far too low) from reading as divergence.
 */
export const DIVERGE_MARGIN = 0.1;

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
const num = (x: number): string => Number(x.toPrecision(4)).toString();

/** Epochs that report both losses (a JSON null is a reported NaN): what the loss rules read. */
type LossTrial = Omit<TrialState, 'epochs'> & { epochs: Array<EpochMetrics & { train_loss: number; val_loss: number }> };

/** The trial, when every epoch reported train and validation loss; the loss rules need both. */
function withLosses(trial: TrialState): LossTrial | undefined {
  return trial.epochs.every((e) => e.train_loss !== undefined && e.val_loss !== undefined) ? (trial as unknown as LossTrial) : undefined;
}

function divergence(trial: LossTrial): Flag | undefined {
  const advice = 'lower LR';
  const bad = trial.epochs.find((e) => !finite(e.train_loss) || !finite(e.val_loss));
  if (bad) {
    // JSON has no NaN or Infinity: a journal written by JSON.stringify holds null for either.
    const v: unknown = finite(bad.train_loss) ? bad.val_loss : bad.train_loss;
    return { name: 'diverged', epoch: bad.epoch, detail: `loss is ${typeof v === 'number' ? String(v) : 'NaN'} at epoch ${bad.epoch}`, advice };
  }
  const stopped = stoppedAsDiverged(trial);
  if (stopped) return stopped;
  // The starting value: the larger of the untrained model's loss and the first epoch's mean train
  // loss, so that a flat curve whose train split happens to score worse than its small validation
  // split does not read as divergence. One epoch has no trend to judge (a NaN is caught above).
  const last = trial.epochs.at(-1);
  if (!last || trial.epochs.length < 2) return undefined;
  const start = Math.max(trial.epochs[0].train_loss, finite(trial.initialValLoss) ? trial.initialValLoss : -Infinity);
  if (last.train_loss > start * (1 + DIVERGE_MARGIN)) {
    return { name: 'diverged', epoch: last.epoch, detail: `train loss ${num(last.train_loss)} ended above its start ${num(start)}`, advice };
  }
  return undefined;
}

/** The trainer stopped it as diverged after the last epoch it reported. */
function stoppedAsDiverged(trial: TrialState): Flag | undefined {
  if (trial.status !== 'diverged') return undefined;
  return { name: 'diverged', epoch: trial.epochs.at(-1)?.epoch, detail: trial.reason ?? 'the engine stopped it as diverged', advice: 'lower LR' };
}

function overfitting(trial: LossTrial, ctx: DiagnosisContext): Flag | undefined {
  const epochs = trial.epochs;
  const last = epochs.at(-1);
  if (!last || epochs.length < 2) return undefined;
  const best = bestEpoch(epochs, ctx.objective)?.epoch ?? last.epoch;
  const advice = `fewer epochs (best was epoch ${best}), lower LR, more data, more regularization`;
  const minVal = epochs.reduce((m, e) => (e.val_loss < m.val_loss ? e : m));
  const rise = (last.val_loss - minVal.val_loss) / Math.abs(minVal.val_loss);
  if (minVal.epoch < last.epoch && rise > ctx.thresholds.overfit_rise && last.train_loss < minVal.train_loss) {
    return {
      name: 'overfitting',
      epoch: minVal.epoch,
      detail: `val loss rose ${pct(rise)} from its minimum ${num(minVal.val_loss)} at epoch ${minVal.epoch} while train loss fell to ${num(last.train_loss)}`,
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

/** The loss an untrained model would get: the class prior (classification) or the base model's initial loss. */
export function referenceLoss(trial: TrialState, taskType: DiagnosisContext['taskType']): number | undefined {
  const prior = trial.dataReport?.priorLoss;
  if (taskType !== 'causal-lm' && finite(prior) && prior > 0) return prior;
  if (finite(trial.initialValLoss)) return trial.initialValLoss;
  return taskType === 'causal-lm' ? trial.epochs[0]?.val_loss : undefined;
}

function underfitting(trial: LossTrial, ctx: DiagnosisContext): Flag | undefined {
  const last = trial.epochs.at(-1);
  if (!last) return undefined;
  const advice = 'higher LR, more epochs, unfreeze more layers';
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

function stillImproving(trial: TrialState, ctx: DiagnosisContext): Flag | undefined {
  const n = trial.epochs.length;
  if (n < 2) return undefined;
  const prev = objectiveValue(trial.epochs[n - 2], ctx.objective);
  const last = objectiveValue(trial.epochs[n - 1], ctx.objective);
  if (prev === undefined || last === undefined || prev === 0) return undefined;
  const gain = -compareValues(last, prev, ctx.objective.goal) / Math.abs(prev);
  if (gain > ctx.thresholds.improving_slope) {
    return { name: 'still_improving', epoch: trial.epochs[n - 1].epoch, detail: `${ctx.objective.metric} improved ${pct(gain)} over the last epoch`, advice: 'more epochs' };
  }
  return undefined;
}

function forgetting(trial: TrialState, ctx: DiagnosisContext): Flag | undefined {
  const f = trial.forgetting;
  if (!f || !finite(f.basePerplexity) || !finite(f.finalPerplexity) || f.basePerplexity <= 0) return undefined;
  const rise = f.finalPerplexity / f.basePerplexity - 1;
  if (rise > ctx.thresholds.forgetting_rise) {
    return {
      name: 'forgetting',
      detail: `general-text perplexity rose ${pct(rise)} (${num(f.basePerplexity)} → ${num(f.finalPerplexity)})`,
      advice: 'lower LR, fewer epochs, freeze more',
    };
  }
  return undefined;
}

export function leakageFlag(count: number): Flag {
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
  // A rule that needs a loss the trainer did not report is not judged: its flag is absent, never wrong.
  const losses = withLosses(trial);
  const diverged = trial.epochs.length > 0 || trial.status === 'diverged' ? (losses ? divergence(losses) : stoppedAsDiverged(trial)) : undefined;
  if (diverged) flags.push(diverged);
  else {
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
export function edgeNotes(best: TrialState | undefined, view: SpecView, trials: readonly TrialState[]): string[] {
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
function searchedRanges(view: SpecView, trials: readonly TrialState[]): SearchedRange[] {
  const ranges = new Map<string, SearchedRange>();
  for (const p of view.parameters) if (p.range) ranges.set(p.name, p.range);
  const described = new Set(view.parameters.map((p) => p.name));
  const tried = new Map<string, number[]>();
  for (const t of trials) {
    for (const [k, v] of Object.entries(t.params)) {
      if (described.has(k) || typeof v !== 'number') continue;
      tried.set(k, [...(tried.get(k) ?? []), v]);
    }
  }
  for (const [name, vs] of tried) {
    const min = Math.min(...vs);
    const max = Math.max(...vs);
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
