// The supervisor's journal writer: appends in call order (the store group-commits appends that
// arrive together), the journal as an incremental feed (store/feed.ts: events in seq order, the
// fold kept up to date), per-trial log lines in order, and a flush that waits for all of it to be durable.
import type { JournalEvent, JournalEventBody } from '../store/events.js';
import { LeaseLostError } from '../store/lease.js';
import { EventFeed } from '../store/feed.js';
import type { SweepState, TrialState } from '../store/state.js';
import type { Store } from '../store/store.js';

export interface RecorderHooks {
  /** Each event once it is durable (the progress display). */
  onEvent?: (event: JournalEvent) => void;
  /** The first failed append: the sweep stops. */
  onFatal?: (err: unknown) => void;
}

export class Recorder {
  readonly #store: Store;
  readonly #hooks: RecorderHooks;
  /**
   * Every event of the journal (those read at start, those appended since, and on a shared sweep
   * those other writers appended that this one has read), with their fold kept up to date event by
   * event: the run loop asks for the state after every trial.
   */
  readonly feed: EventFeed;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #logs = new Map<string, Promise<void>>();
  #fatal: unknown;

  constructor(store: Store, events: readonly JournalEvent[], hooks: RecorderHooks = {}) {
    this.#store = store;
    this.#hooks = hooks;
    this.feed = new EventFeed(events);
  }

  /** Every event of the journal known so far, in seq order. */
  get events(): readonly JournalEvent[] {
    return this.feed.events;
  }

  /** The error of the first failed append (undefined while every append succeeded). */
  get fatal(): unknown {
    return this.#fatal;
  }

  /** The state of the sweep as the events recorded so far fold (the store's own fold, foldTrials). */
  get state(): SweepState {
    return this.feed.state;
  }

  trialState(trialId: string): TrialState | undefined {
    return this.feed.trialState(trialId);
  }

  /**
   * Appends are issued at once, in the order they are asked for; the store keeps that order and
   * group-commits appends that arrive together (two slots finishing at once share one fsync). A
   * failed append (disk full, directory gone) is fatal to the sweep: no new trial starts and
   * running ones are stopped.
   */
  append(body: JournalEventBody): Promise<JournalEvent | undefined> {
    if (this.#fatal !== undefined) return Promise.resolve(undefined);
    const written = this.#store.append(body).then(
      (event) => {
        this.feed.add(event);
        this.#hooks.onEvent?.(event);
        return event;
      },
      (err: unknown) => {
        // A shared sweep refused an event of a trial whose lease was taken over: that trial stops
        // (its lost signal), the sweep goes on.
        if (err instanceof LeaseLostError) return undefined;
        if (this.#fatal === undefined) {
          this.#fatal = err;
          this.#hooks.onFatal?.(err);
        }
        return undefined;
      },
    );
    this.#pending.add(written);
    void written.then(() => this.#pending.delete(written));
    return written;
  }

  /** Wait until every append issued so far is durable (or failed). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Append to the trial's log.txt, one write at a time per trial so that lines keep their order. */
  log(trialId: string, line: string): Promise<void> {
    const next = (this.#logs.get(trialId) ?? Promise.resolve()).then(() =>
      // A log line is a courtesy; the journal is the record. A full disk shows up on the next append.
      this.#store.log(trialId, line).catch(() => {}),
    );
    this.#logs.set(trialId, next);
    this.#pending.add(next);
    void next.then(() => {
      this.#pending.delete(next);
      if (this.#logs.get(trialId) === next) this.#logs.delete(trialId);
    });
    return next;
  }

  /** Events other writers appended to a shared sweep (known ones are skipped). */
  remember(events: readonly JournalEvent[]): void {
    this.feed.addAll(events);
  }
}
