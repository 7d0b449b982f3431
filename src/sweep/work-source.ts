// Where a slot's next trial comes from. The supervisor runs one loop for every sweep; what differs
// between a sweep of one controller and a shared sweep is only this: the local plan (the trials
// still to run, then the sampler's proposals) or claims on a shared store (leases; a retry is due
// in the store for any worker, not queued here).
import type { Slot } from '../pool/slots.js';
import type { TrialWork } from './decide.js';
import type { ClaimedWork } from './options.js';

export type Work = TrialWork & Partial<ClaimedWork>;

export interface WorkSource {
  /** The next trial for `slot`, or undefined when none is due now. */
  next(slot: Slot): Promise<Work | undefined>;
  /** An attempt failed and is retried (local: queued again; shared: the store made it due). */
  retry(work: TrialWork): void;
  /**
   * Whether a slot with nothing due waits while other trials run (one of them may fail and be
   * retried); a shared sweep's claim already waited until no trial of the sweep was open.
   */
  readonly waitsForRunning: boolean;
}

/** A controller's own plan: the trials still to run in plan order, then what the sampler proposes. */
export class LocalWork implements WorkSource {
  readonly waitsForRunning = true;
  readonly #queue: TrialWork[];
  readonly #propose: () => TrialWork | undefined;

  constructor(queue: readonly TrialWork[], propose: () => TrialWork | undefined) {
    this.#queue = [...queue];
    this.#propose = propose;
  }

  async next(): Promise<Work | undefined> {
    return this.#queue.shift() ?? this.#propose();
  }

  retry(work: TrialWork): void {
    this.#queue.push(work);
  }
}

/** A worker on a shared sweep: each slot claims its next trial from the store (`claim`). */
export class ClaimedWorkSource implements WorkSource {
  readonly waitsForRunning = false;
  readonly #claim: (slot: Slot) => Promise<ClaimedWork | undefined>;
  readonly #onClaimed: (work: ClaimedWork) => void;

  /** `onClaimed`: what other workers recorded about the trial, to be known before it starts. */
  constructor(claim: (slot: Slot) => Promise<ClaimedWork | undefined>, onClaimed: (work: ClaimedWork) => void) {
    this.#claim = claim;
    this.#onClaimed = onClaimed;
  }

  async next(slot: Slot): Promise<Work | undefined> {
    const claimed = await this.#claim(slot);
    if (claimed) this.#onClaimed(claimed);
    return claimed;
  }

  retry(): void {
    // Due in the store already (trial_failed with will_retry made it pending): any worker claims it.
  }
}
