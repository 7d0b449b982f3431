// A live, read-only view of one sweep recorded in a Store (a database shared by many workers),
// through the port alone: its events are read once, then only those after the last sequence
// number seen, added to the store's incremental feed (store/feed.ts). New events are awaited with the
// port's waitForEvents (the PostgreSQL log polls its sweep's sequence, one indexed row, every
// 100 ms). A failing read is kept as the sweep's error and retried; the next good read clears it.
import type { EventLog } from '../store/store.js';
import { sleep } from '../store/sleep.js';
import { FoldedFeed } from './folded-feed.js';
import type { SweepFeed } from './sweeps.js';

/** The wait after a failed read before the next try (the store retried with backoff already). */
const RETRY_MS = 1000;

export class StoreTail extends FoldedFeed implements SweepFeed {
  error: string | undefined;
  /** Events read in all, for tests and the bench: reads are incremental. */
  eventsRead = 0;
  private following: { stop: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly log: Pick<EventLog, 'events' | 'waitForEvents'>) {
    super();
  }

  protected async readNew(): Promise<boolean> {
    const events = await this.log.events(this.state.lastSeq + 1);
    this.eventsRead += events.length;
    this.feed.addAll(events);
    return events.length > 0;
  }

  /** Follow the sweep until stop(): wait for events past the last one read, then read them. */
  start(): void {
    if (this.following) return;
    const stop = new AbortController();
    this.following = { stop, done: this.follow(stop.signal) };
  }

  private async follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.log.waitForEvents(this.state.lastSeq, signal);
        if (signal.aborted) return;
        await this.poll();
        this.error = undefined;
      } catch (err) {
        if (signal.aborted) return;
        this.error = err instanceof Error ? err.message : String(err);
        await sleep(RETRY_MS, signal);
      }
    }
  }

  async stop(): Promise<void> {
    const f = this.following;
    this.following = undefined;
    if (!f) return;
    f.stop.abort();
    await f.done;
    await this.inFlight?.catch(() => {});
  }
}
