// The incremental event feed: a sweep's events in seq order as they become known (read at start,
// appended, or caught up from a shared store), with the fold of them kept up to date event by event
// (Optuna's JournalStorageReplayResult: a reader folds on from the last event it read, never from
// the first). The run loop's recorder, its shared view and the stores' metrics views build on it.
import type { JournalEvent } from './events.js';
import { applyEvent, foldTrials } from './fold.js';
import type { SweepState, TrialState } from './state.js';

/**
 * A reading of the journal kept up to date as events arrive (the fold is one; the schedulers'
 * epoch results and the samplers' history are others): `apply` takes the events in seq order.
 */
export interface FeedView<T> {
  init(): T;
  apply(value: T, event: JournalEvent): void;
}

export class EventFeed {
  /** Each view's value and how far (the last seq) it has read; undefined value: rebuilt on the next read. */
  readonly #views = new Map<FeedView<unknown>, { value: unknown; seq: number } | undefined>();

  readonly #events: JournalEvent[] = [];
  readonly #seqs = new Set<number>();
  /** Each trial's events: folding them gives that trial's state without a fold of the whole sweep. */
  readonly #byTrial = new Map<string, JournalEvent[]>();
  /** The trial ids of the events in the order they arrived (what changed since a reader's cursor). */
  readonly #arrivals: string[] = [];
  /**
   * The fold of the events. An event that arrives before the last one folded (another writer's,
   * on a shared sweep) drops it, and the next read folds again.
   */
  #state: SweepState | undefined = foldTrials([]);
  #lastSeq = 0;
  /** The highest seq read from the store by catchUp (own appends do not move it: others' may lie below them). */
  #readSeq = 0;

  /** `events`: what was read from the store so far (a catchUp reads on after them). */
  constructor(events: readonly JournalEvent[] = []) {
    this.addAll(events);
    this.#readSeq = this.#lastSeq;
  }

  /** Every event known, in seq order. */
  get events(): readonly JournalEvent[] {
    return this.#events;
  }

  /** The highest seq known (0 for none). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The state of the sweep as the events known so far fold (store/fold.ts). */
  get state(): SweepState {
    return (this.#state ??= foldTrials(this.#events));
  }

  /** The events with fromSeq <= seq <= toSeq, in order. */
  eventsBetween(fromSeq: number, toSeq: number): JournalEvent[] {
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#events[mid].seq < fromSeq) lo = mid + 1;
      else hi = mid;
    }
    const out: JournalEvent[] = [];
    for (let i = lo; i < this.#events.length && this.#events[i].seq <= toSeq; i++) out.push(this.#events[i]);
    return out;
  }

  /**
   * A view's value over every event known, kept up to date from the first read on (an event that
   * arrives late rebuilds it once, on the next read).
   */
  view<T>(view: FeedView<T>): T {
    let v = this.#views.get(view as FeedView<unknown>);
    if (!v) {
      const value = view.init();
      for (const e of this.#events) view.apply(value, e);
      this.#views.set(view as FeedView<unknown>, (v = { value, seq: this.#lastSeq }));
    }
    return v.value as T;
  }

  /** One trial's state, folded from its own events only. */
  trialState(trialId: string): TrialState | undefined {
    const events = this.#byTrial.get(trialId);
    return events ? foldTrials(events).trials.get(trialId) : undefined;
  }

  /** Adds an event; false when it is known already (the same seq). */
  add(event: JournalEvent): boolean {
    if (this.#seqs.has(event.seq)) return false;
    this.#seqs.add(event.seq);
    const inOrder = this.#state !== undefined && event.seq > this.#state.lastSeq;
    if (inOrder) applyEvent(this.#state!, event);
    for (const [view, v] of this.#views) {
      if (v && event.seq > v.seq) {
        view.apply(v.value, event);
        v.seq = event.seq;
      } else this.#views.set(view, undefined);
    }
    if (event.seq > this.#lastSeq) this.#lastSeq = event.seq;
    insertBySeq(this.#events, event);
    const id = (event as { trial_id?: string }).trial_id;
    if (id === undefined) {
      if (!inOrder) this.#state = undefined;
      return true;
    }
    this.#arrivals.push(id);
    let list = this.#byTrial.get(id);
    if (!list) this.#byTrial.set(id, (list = []));
    insertBySeq(list, event);
    // An event of one trial that arrives late (another writer's) changes that trial only: refold it alone.
    if (!inOrder && this.#state) {
      const t = foldTrials(list).trials.get(id);
      if (t) this.#state.trials.set(id, t);
      else this.#state.trials.delete(id);
    }
    return true;
  }

  /** Adds the events not known yet; returns those. */
  addAll(events: readonly JournalEvent[]): JournalEvent[] {
    return events.filter((e) => this.add(e));
  }

  /**
   * Reads the events after the last seq known and adds them. Seqs become visible in order in
   * both stores (an append holds the sweep's sequence until it commits), so nothing is missed.
   */
  async catchUp(read: (fromSeq: number) => Promise<JournalEvent[]>): Promise<JournalEvent[]> {
    const fresh = await read(this.#readSeq + 1);
    for (const e of fresh) if (e.seq > this.#readSeq) this.#readSeq = e.seq;
    return this.addAll(fresh);
  }

  /** The trials whose events arrived since `cursor` (0: since the start), and the cursor to pass next time. */
  touchedSince(cursor: number): { trials: Set<string>; cursor: number } {
    const trials = new Set<string>();
    for (let i = cursor; i < this.#arrivals.length; i++) trials.add(this.#arrivals[i]);
    return { trials, cursor: this.#arrivals.length };
  }
}

/** Events arrive nearly in seq order: insert from the end. */
function insertBySeq(list: JournalEvent[], event: JournalEvent): void {
  let i = list.length;
  while (i > 0 && list[i - 1].seq > event.seq) i--;
  list.splice(i, 0, event);
}
