// A trial's best evaluation under the objective: the value the leaderboard ranks by and the Optuna
// export writes as the trial's value. Beside objective.ts (which returns a diverged NaN as reported),
// this is the reading that skips what cannot rank: a missing, NaN or infinite value.
import { compareValues, objectiveValue, type Objective } from './objective.js';
import type { EpochMetrics } from './types.js';

/** The objective's finite value at one evaluation, or undefined (not reported, NaN or ±Infinity). */
export function finiteObjectiveValue(point: EpochMetrics, objective: Objective): number | undefined {
  const v = objectiveValue(point, objective.metric);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

export interface BestEpoch {
  epoch: number;
  value: number;
}

/** The evaluation with the best finite objective value (the earliest on a tie: fewer epochs reach it). */
export function bestEpoch(points: readonly EpochMetrics[], objective: Objective): BestEpoch | undefined {
  let best: BestEpoch | undefined;
  for (const e of points) {
    const value = finiteObjectiveValue(e, objective);
    if (value === undefined) continue;
    if (!best || compareValues(value, best.value, objective.goal) < 0) best = { epoch: e.epoch, value };
  }
  return best;
}
