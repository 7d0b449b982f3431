// Ranking: trials ordered by the objective at their best epoch. Pure: no I/O.
import type { EpochMetrics } from '../trial/types.js';
import type { TrialStatus } from '../trial/status.js';
import type { TrialState } from '../store/state.js';
import { objectiveValue as valueAt } from '../trial/objective.js';
import type { Goal, Objective } from './spec-view.js';

/** The objective's value at one epoch, or undefined when the trainer did not report it (or NaN/Inf). */
export function objectiveValue(epoch: EpochMetrics, objective: Objective): number | undefined {
  const v = valueAt(epoch, objective.metric);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** Negative when a is better than b under the goal. */
export function compareValues(a: number, b: number, goal: Goal): number {
  return goal === 'minimize' ? a - b : b - a;
}

export interface BestEpoch {
  epoch: number;
  value: number;
}

/** The epoch with the best objective value (the earliest one on a tie: fewer epochs reach it). */
export function bestEpoch(epochs: readonly EpochMetrics[], objective: Objective): BestEpoch | undefined {
  let best: BestEpoch | undefined;
  for (const e of epochs) {
    const value = objectiveValue(e, objective);
    if (value === undefined) continue;
    if (!best || compareValues(value, best.value, objective.goal) < 0) best = { epoch: e.epoch, value };
  }
  return best;
}

/** The objective at the last epoch that reported it. */
export function lastValue(epochs: readonly EpochMetrics[], objective: Objective): number | undefined {
  for (let i = epochs.length - 1; i >= 0; i--) {
    const v = objectiveValue(epochs[i], objective);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Wall time of a trial: the journal's training seconds, else the sum of its epochs. */
export function trialSeconds(trial: TrialState): number | undefined {
  if (typeof trial.seconds === 'number') return trial.seconds;
  if (trial.epochs.length === 0) return undefined;
  return trial.epochs.reduce((s, e) => s + (typeof e.seconds === 'number' && Number.isFinite(e.seconds) ? e.seconds : 0), 0);
}

export interface RankedTrial {
  trial: TrialState;
  /** 1-based rank; undefined for trials listed after the ranked ones. */
  rank?: number;
  best?: BestEpoch;
}

/** Order of the unranked groups after the ranked trials: the most informative first. */
const UNRANKED_ORDER: readonly TrialStatus[] = ['running', 'stopped_early', 'stopped', 'completed', 'diverged', 'failed', 'pending'];

/**
 * Ranks completed trials by their best objective; ties go to the better objective at the last epoch
 * (a result that held up), then to the shorter wall time, then to the trial index. Every other
 * trial (running, stopped, stopped early, diverged, failed, pending, or completed without a usable
 * objective) follows, grouped by status, unranked but never dropped.
 */
export function rankTrials(trials: Iterable<TrialState>, objective: Objective): RankedTrial[] {
  const ranked: RankedTrial[] = [];
  const rest: RankedTrial[] = [];
  for (const trial of trials) {
    const best = bestEpoch(trial.epochs, objective);
    (trial.status === 'completed' && best ? ranked : rest).push({ trial, best });
  }
  const byBest = (a: RankedTrial, b: RankedTrial): number => {
    if (a.best && b.best) {
      const d = compareValues(a.best.value, b.best.value, objective.goal);
      if (d !== 0) return d;
      const la = lastValue(a.trial.epochs, objective)!;
      const lb = lastValue(b.trial.epochs, objective)!;
      const dl = compareValues(la, lb, objective.goal);
      if (dl !== 0) return dl;
      const ta = trialSeconds(a.trial) ?? Infinity;
      const tb = trialSeconds(b.trial) ?? Infinity;
      if (ta !== tb) return ta - tb;
    } else if (a.best || b.best) {
      return a.best ? -1 : 1;
    }
    return a.trial.index - b.trial.index;
  };
  ranked.sort(byBest);
  ranked.forEach((r, i) => (r.rank = i + 1));
  rest.sort((a, b) => {
    const g = UNRANKED_ORDER.indexOf(a.trial.status) - UNRANKED_ORDER.indexOf(b.trial.status);
    return g !== 0 ? g : byBest(a, b);
  });
  return [...ranked, ...rest];
}
