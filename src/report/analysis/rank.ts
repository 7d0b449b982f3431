// Ranking: trials ordered by the objective at their best epoch. Pure: no I/O.
import type { TrialStatus } from '../../trial/status.js';
import type { TrialState } from '../../store/state.js';
import { bestEpoch, compareValues, lastValue, type BestEpoch } from '../../trial/objective.js';
import type { Objective } from '../../trial/objective.js';

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
 * Ranks completed trials by their best objective (by `paretoRank` first, when given); ties go to the better objective at the last epoch
 * (a result that held up), then to the shorter wall time, then to the trial index. Every other
 * trial (running, stopped, stopped early, diverged, failed, pending, or completed without a usable
 * objective) follows, grouped by status, unranked but never dropped.
 */
export function rankTrials(trials: Iterable<TrialState>, objective: Objective, paretoRank?: (trial: TrialState) => number | undefined): RankedTrial[] {
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
  // A two-metric objective: Pareto rank first (a trial without both values after those with them),
  // then the first metric at its best epoch and the usual ties.
  if (paretoRank) {
    const pr = new Map(ranked.map((r) => [r.trial, paretoRank(r.trial) ?? Infinity]));
    ranked.sort((a, b) => pr.get(a.trial)! - pr.get(b.trial)! || byBest(a, b));
  } else ranked.sort(byBest);
  ranked.forEach((r, i) => (r.rank = i + 1));
  rest.sort((a, b) => {
    const g = UNRANKED_ORDER.indexOf(a.trial.status) - UNRANKED_ORDER.indexOf(b.trial.status);
    return g !== 0 ? g : byBest(a, b);
  });
  return [...ranked, ...rest];
}
