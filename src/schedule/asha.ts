// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", 2020), in its stopping form: rungs at min_epochs × reduction_factor^i below a trial's
// planned epochs; a trial reaching a rung continues only if it is in the top 1/reduction_factor
// of the trials that have reached that rung so far, itself included. A slot never waits for a
// rung to fill: the decision uses whatever the journal holds at that moment.
//
// Promotion rule (Optuna's SuccessiveHalvingPruner): with n trials at the rung (itself included)
// the trial continues if its value is within the best floor(n / reduction_factor). While that is
// zero (n < reduction_factor), it continues only if it is the best at the rung so far — so the
// first trial at a rung always continues, and a later one must beat every earlier one.
// Ray Tune's AsyncHyperBand instead cuts at the (1 - 1/rf) quantile of the earlier trials' rung
// values; both converge to "top 1/rf" as the rung fills. A trial's value at a rung is its best
// objective up to that epoch, the same reading the leaderboard ranks by.
import { bestLoss, type Goal } from '../trial/objective.js';
import { formatValue } from './median.js';
import { curveUpTo, viewAt } from './results.js';
import { CONTINUE, type Decision, type EpochResult, type Scheduler, type ScheduleQuery } from './scheduler.js';

export interface AshaOptions {
  goal: Goal;
  /** The first rung (and the grace period). */
  minEpochs: number;
  reductionFactor: number;
}

export class AshaScheduler implements Scheduler {
  readonly name = 'asha' as const;

  constructor(private readonly opts: AshaOptions) {
    if (!Number.isInteger(opts.minEpochs) || opts.minEpochs < 1) throw new RangeError('asha: min_epochs must be an integer >= 1');
    if (!Number.isInteger(opts.reductionFactor) || opts.reductionFactor < 2) throw new RangeError('asha: reduction_factor must be an integer >= 2');
  }

  /** The rung epochs of a trial planned for `maxEpochs` epochs: those strictly below it. */
  rungs(maxEpochs: number): number[] {
    const out: number[] = [];
    for (let r = this.opts.minEpochs; r < maxEpochs; r *= this.opts.reductionFactor) out.push(r);
    return out;
  }

  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision {
    const k = query.epoch;
    const { own, others } = viewAt(results, query);
    const rung = this.rungs(query.maxEpochs).indexOf(k);
    if (rung < 0) return CONTINUE;
    const goal = this.opts.goal;
    const mine = bestLoss(own, goal);
    const competing = [mine];
    for (const curve of others.values()) {
      const upTo = curveUpTo(curve, k);
      if (upTo) competing.push(bestLoss(upTo, goal));
    }
    competing.sort((a, b) => a - b);
    const rf = this.opts.reductionFactor;
    const keep = Math.max(1, Math.floor(competing.length / rf));
    const cutoff = competing[keep - 1];
    if (mine <= cutoff) return CONTINUE;
    const shown = (x: number) => formatValue(goal === 'minimize' ? x : -x);
    return {
      action: 'stop',
      epoch: k,
      rung,
      reason: `asha rung ${rung} (epoch ${k}): best ${shown(mine)} is not in the top ${keep} of ${competing.length} trials at this rung (cutoff ${shown(cutoff)}, reduction factor ${rf})`,
    };
  }
}
