// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", 2020), in its stopping form: rungs at min × reduction_factor^i on the scheduler's axis
// (min_epochs in epochs, or min_steps in optimizer steps), below where the trial's training ends;
// a trial reaching a rung continues only if it is in the top 1/reduction_factor of the trials that
// have reached that rung so far, itself included. A slot never waits for a rung to fill: the
// decision uses whatever the journal holds at that moment.
//
// Programs evaluate where they like, so a rung is judged at a trial's first evaluation at or past
// it (every rung crossed since its previous evaluation, lowest first); a trial is never stopped
// before its first rung, nor at its last evaluation (it is complete then).
//
// Promotion rule (Optuna's SuccessiveHalvingPruner): with n trials at the rung (itself included)
// the trial continues if its value is within the best floor(n / reduction_factor). While that is
// zero (n < reduction_factor), it continues only if it is the best at the rung so far — so the
// first trial at a rung always continues, and a later one must beat every earlier one.
// Ray Tune's AsyncHyperBand instead cuts at the (1 - 1/rf) quantile of the earlier trials' rung
// values; both converge to "top 1/rf" as the rung fills. A trial's value at a rung is its best
// objective up to its first evaluation at or past the rung, the reading the leaderboard ranks by.
//
// `rejudge` (finesweep's, off by default): a trial is also judged again at its highest rung at every
// later evaluation, on its value at that rung, against every trial that has reached the rung by then
// — those that got there after it included — until it reaches its next rung. Judged once on arrival,
// the first trials at a rung pass it against nobody and run on to the next rung however the later
// ones do (a batch-16 trial reaches every step rung before a batch-32 one); rejudged, it stops as soon
// as the trials that followed push it out of the top 1/reduction_factor there. Still a pure function
// of the journal prefix, so a resumed sweep takes the same decisions.
import type { Goal } from '../trial/objective.js';
import { formatValue } from './median.js';
import { atEnd, positionWords } from './results.js';
import { fieldOf, scanField, type Standings } from './standings.js';
import { CONTINUE, type Axis, type Decision, type EpochResult, type Scheduler, type ScheduleQuery } from './scheduler.js';

export interface AshaOptions {
  goal: Goal;
  /** The first rung (and the grace period) in epochs; ignored when minSteps is given. */
  minEpochs: number;
  /** The first rung in optimizer steps: rungs are then on the step axis. */
  minSteps?: number;
  reductionFactor: number;
  /** Judge a trial again at its highest rung at each evaluation, against the later arrivals too. */
  rejudge?: boolean;
  /** Scan every result at each decision instead of keeping standings (the reference the tests compare against). */
  scan?: boolean;
}

export class AshaScheduler implements Scheduler {
  readonly name = 'asha' as const;
  readonly axis: Axis;
  readonly #min: number;
  readonly #standings = new WeakMap<readonly EpochResult[], Standings>();

  constructor(private readonly opts: AshaOptions) {
    this.axis = opts.minSteps !== undefined ? 'step' : 'epoch';
    this.#min = opts.minSteps ?? opts.minEpochs;
    const key = this.axis === 'step' ? 'min_steps' : 'min_epochs';
    if (!Number.isInteger(this.#min) || this.#min < 1) throw new RangeError(`asha: ${key} must be an integer >= 1`);
    if (!Number.isInteger(opts.reductionFactor) || opts.reductionFactor < 2) throw new RangeError('asha: reduction_factor must be an integer >= 2');
  }

  /** The rungs of a trial whose training ends at `max` on the axis: those strictly below it. */
  rungs(max: number): number[] {
    const out: number[] = [];
    for (let r = this.#min; r < max; r *= this.opts.reductionFactor) out.push(r);
    return out;
  }

  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision {
    const goal = this.opts.goal;
    const field = this.opts.scan ? scanField(results, query, this.axis, goal) : fieldOf(this.#standings, results, query, this.axis, goal);
    const at = field.at;
    const max = this.axis === 'step' ? query.maxSteps : query.maxEpochs;
    if (at === undefined || atEnd(at, max)) return CONTINUE;
    const previous = field.previous;
    const rf = this.opts.reductionFactor;
    const rungs: number[] = []; // the rungs reached, below where training ends
    for (let r = this.#min; r <= at && !(max !== undefined && r >= max); r *= rf) rungs.push(r);
    const top = rungs.length - 1;
    for (const [rung, r] of rungs.entries()) {
      const arrived = r > previous; // crossed since the previous evaluation: judged on arrival
      if (!arrived && !(this.opts.rejudge && rung === top)) continue;
      // The trial's value at the rung: its best up to its first evaluation at or past it (on arrival,
      // everything up to this evaluation). It continues while fewer than `keep` trials at the rung
      // are strictly better; otherwise the cutoff is the keep-th best of the others.
      const mine = field.ownBest(r);
      const peers = field.peers(r);
      const n = peers.count + 1;
      const keep = Math.max(1, Math.floor(n / rf));
      if (peers.below(mine) < keep) continue;
      const cutoff = peers.kth(keep - 1);
      const shown = (x: number) => formatValue(goal === 'minimize' ? x : -x);
      const where = r === at ? positionWords(this.axis, r) : `${positionWords(this.axis, r)}, ${arrived ? 'judged' : 'rejudged'} at ${positionWords(this.axis, at)}`;
      return {
        action: 'stop',
        epoch: query.epoch,
        rung,
        reason: `asha rung ${rung} (${where}): ${arrived ? 'best' : 'its'} ${shown(mine)} is not in the top ${keep} of ${n} trials at this rung (cutoff ${shown(cutoff)}, reduction factor ${rf})`,
      };
    }
    return CONTINUE;
  }
}
