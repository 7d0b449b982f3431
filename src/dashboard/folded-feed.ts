// What the dashboard's two live views of a sweep share (a journal file's tail.ts, a database's
// store-tail.ts): the store's incremental feed (store/feed.ts) of what was read so far, whose fold
// is the sweep's state, listeners told after each
// read that brought events, and reads that coalesce — a poll during a read makes that read go
// round once more instead of running a second read beside it. Each view says only how to read
// what is new (readNew).
import { EventFeed } from '../store/feed.js';
import type { SweepState } from '../store/state.js';

export abstract class FoldedFeed {
  /** What was read so far (replaced when the sweep is read again from its start). */
  protected feed = new EventFeed();
  private reading: Promise<boolean> | undefined;
  private again = false;
  private readonly listeners = new Set<(state: SweepState) => void>();

  /** The sweep's state as the events read so far fold. */
  get state(): SweepState {
    return this.feed.state;
  }

  /** Fold what is new into `state`; true if any event was folded. */
  protected abstract readNew(): Promise<boolean>;

  /** Calls `fn` after each read that brought new events; returns the unsubscribe function. */
  subscribe(fn: (state: SweepState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Read what is new now; resolves true if new events were folded. Concurrent calls coalesce. */
  poll(): Promise<boolean> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      let changed = false;
      try {
        do {
          this.again = false;
          if (await this.readNew()) changed = true;
        } while (this.again);
      } finally {
        this.reading = undefined;
      }
      if (changed) for (const fn of this.listeners) fn(this.state);
      return changed;
    })();
    return this.reading;
  }

  /** The read in progress, if any (stop() waits for it). */
  protected get inFlight(): Promise<boolean> | undefined {
    return this.reading;
  }
}
