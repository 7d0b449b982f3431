// Median stopping rule (Optuna's MedianPruner, Ray Tune's MedianStoppingRule): stop a trial whose
// best objective so far is worse than the median of the other trials' best-so-far at this epoch.
import { bestLoss, type Goal } from '../trial/objective.js';
import { curveUpTo, viewAt } from './results.js';
import { CONTINUE, type Decision, type EpochResult, type Scheduler, type ScheduleQuery } from './scheduler.js';

export interface MedianOptions {
  goal: Goal;
  /** Grace period: no trial stops before this epoch. */
  minEpochs: number;
  /** How many other trials must have reached the epoch before the median is used. */
  minTrials: number;
}

export class MedianScheduler implements Scheduler {
  readonly name = 'median' as const;

  constructor(private readonly opts: MedianOptions) {
    if (!(opts.minEpochs >= 1) || !(opts.minTrials >= 1)) throw new RangeError('median: min_epochs and min_trials must be >= 1');
  }

  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision {
    const k = query.epoch;
    const { own, others } = viewAt(results, query);
    // The last epoch is never "stopped": the trial is complete, nothing is saved.
    if (k < this.opts.minEpochs || k >= query.maxEpochs) return CONTINUE;
    const peers: number[] = [];
    for (const curve of others.values()) {
      const upTo = curveUpTo(curve, k);
      if (upTo) peers.push(bestLoss(upTo, this.opts.goal));
    }
    if (peers.length < this.opts.minTrials) return CONTINUE;
    const median = medianOf(peers);
    const best = bestLoss(own, this.opts.goal);
    if (!(best > median)) return CONTINUE;
    const shown = (x: number) => formatValue(this.opts.goal === 'minimize' ? x : -x);
    return {
      action: 'stop',
      epoch: k,
      reason: `median rule: best ${shown(best)} by epoch ${k} is worse than the median ${shown(median)} of ${peers.length} other trials at epoch ${k}`,
    };
  }
}

/** Median of losses; +Infinity (diverged) sorts last. */
export function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length % 2 === 1) return s[mid];
  const lo = s[mid - 1];
  const hi = s[mid];
  return lo === hi ? lo : lo + (hi - lo) / 2;
}

export function formatValue(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
