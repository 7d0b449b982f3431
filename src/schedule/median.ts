// Median stopping rule (Optuna's MedianPruner, Ray Tune's MedianStoppingRule): stop a trial whose
// best objective so far is worse than the median of the other trials' best-so-far at the same
// point — an epoch (min_epochs) or an optimizer step (min_steps). Another trial's value at a point
// is read at its first evaluation at or past it (results.ts).
import { bestLoss, type Goal } from '../trial/objective.js';
import { atEnd, curveUpTo, positionWords, viewAt } from './results.js';
import { CONTINUE, type Axis, type Decision, type EpochResult, type Scheduler, type ScheduleQuery } from './scheduler.js';

export interface MedianOptions {
  goal: Goal;
  /** Grace period: no trial stops before this epoch (ignored when minSteps is given). */
  minEpochs: number;
  /** Grace period in optimizer steps: the rule then compares trials at steps. */
  minSteps?: number;
  /** How many other trials must have reached the point before the median is used. */
  minTrials: number;
}

export class MedianScheduler implements Scheduler {
  readonly name = 'median' as const;
  readonly axis: Axis;
  readonly #min: number;

  constructor(private readonly opts: MedianOptions) {
    this.axis = opts.minSteps !== undefined ? 'step' : 'epoch';
    this.#min = opts.minSteps ?? opts.minEpochs;
    if (!(this.#min >= 1) || !(opts.minTrials >= 1)) throw new RangeError(`median: ${this.axis === 'step' ? 'min_steps' : 'min_epochs'} and min_trials must be >= 1`);
  }

  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision {
    const { at, own, others } = viewAt(results, query, this.axis);
    // The last evaluation is never "stopped": the trial is complete, nothing is saved.
    if (at === undefined || at < this.#min || atEnd(at, this.axis === 'step' ? query.maxSteps : query.maxEpochs)) return CONTINUE;
    const peers: number[] = [];
    for (const curve of others.values()) {
      const upTo = curveUpTo(curve, at);
      if (upTo) peers.push(bestLoss(upTo, this.opts.goal));
    }
    if (peers.length < this.opts.minTrials) return CONTINUE;
    const median = medianOf(peers);
    const best = bestLoss(own.map((p) => p.value), this.opts.goal);
    if (!(best > median)) return CONTINUE;
    const shown = (x: number) => formatValue(this.opts.goal === 'minimize' ? x : -x);
    const where = positionWords(this.axis, at);
    return {
      action: 'stop',
      epoch: query.epoch,
      reason: `median rule: best ${shown(best)} by ${where} is worse than the median ${shown(median)} of ${peers.length} other trials at ${where}`,
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
