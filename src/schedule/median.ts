// Median stopping rule (Optuna's MedianPruner, Ray Tune's MedianStoppingRule): stop a trial whose
// best objective so far is worse than the median of the other trials' best-so-far at the same
// point — an epoch (min_epochs) or an optimizer step (min_steps). Another trial's value at a point
// is read at its first evaluation at or past it (results.ts).
import type { Goal } from '../trial/objective.js';
import { atEnd, positionWords } from './results.js';
import { fieldOf, scanField, type Peers, type Standings } from './standings.js';
import { CONTINUE, type Axis, type Decision, type EpochResult, type Scheduler, type ScheduleQuery } from './scheduler.js';

export interface MedianOptions {
  goal: Goal;
  /** Grace period: no trial stops before this epoch (ignored when minSteps is given). */
  minEpochs: number;
  /** Grace period in optimizer steps: the rule then compares trials at steps. */
  minSteps?: number;
  /** How many other trials must have reached the point before the median is used. */
  minTrials: number;
  /** Scan every result at each decision instead of keeping standings (the reference the tests compare against). */
  scan?: boolean;
}

export class MedianScheduler implements Scheduler {
  readonly name = 'median' as const;
  readonly axis: Axis;
  readonly #min: number;
  readonly #standings = new WeakMap<readonly EpochResult[], Standings>();

  constructor(private readonly opts: MedianOptions) {
    this.axis = opts.minSteps !== undefined ? 'step' : 'epoch';
    this.#min = opts.minSteps ?? opts.minEpochs;
    if (!(this.#min >= 1) || !(opts.minTrials >= 1)) throw new RangeError(`median: ${this.axis === 'step' ? 'min_steps' : 'min_epochs'} and min_trials must be >= 1`);
  }

  decide(results: readonly EpochResult[], query: ScheduleQuery): Decision {
    const goal = this.opts.goal;
    const field = this.opts.scan ? scanField(results, query, this.axis, goal) : fieldOf(this.#standings, results, query, this.axis, goal);
    const at = field.at;
    // The last evaluation is never "stopped": the trial is complete, nothing is saved.
    if (at === undefined || at < this.#min || atEnd(at, this.axis === 'step' ? query.maxSteps : query.maxEpochs)) return CONTINUE;
    const peers = field.peers(at);
    if (peers.count < this.opts.minTrials) return CONTINUE;
    const median = medianOfPeers(peers);
    const best = field.ownBest(at);
    if (!(best > median)) return CONTINUE;
    const shown = (x: number) => formatValue(this.opts.goal === 'minimize' ? x : -x);
    const where = positionWords(this.axis, at);
    return {
      action: 'stop',
      epoch: query.epoch,
      reason: `median rule: best ${shown(best)} by ${where} is worse than the median ${shown(median)} of ${peers.count} other trials at ${where}`,
    };
  }
}

/** The median of the peers' losses (the mean of the middle two for an even count); +Infinity (diverged) sorts last. */
function medianOfPeers(peers: Peers): number {
  const mid = peers.count >> 1;
  if (peers.count % 2 === 1) return peers.kth(mid);
  const lo = peers.kth(mid - 1);
  const hi = peers.kth(mid);
  return lo === hi ? lo : lo + (hi - lo) / 2;
}

export function formatValue(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
