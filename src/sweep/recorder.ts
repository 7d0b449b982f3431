// The supervisor's journal writer: appends in call order (the store group-commits appends that
// arrive together), an in-memory copy of the journal in seq order with each trial's events beside
// it, per-trial log lines in order, and a flush that waits for all of it to be durable.
import type { JournalEvent, JournalEventBody } from '../store/events.js';
import { LeaseLostError } from '../store/lease.js';
import { applyEvent, foldTrials } from '../store/fold.js';
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
  /** Every event of the journal, in order (those read at start and those appended since). */
  readonly events: JournalEvent[] = [];
  /** The journal's events per trial: folding them gives that trial's state without a full fold. */
  readonly #byTrial = new Map<string, JournalEvent[]>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #seqs = new Set<number>();
  readonly #logs = new Map<string, Promise<void>>();
  /**
   * The fold of `events`, kept up to date event by event (the run loop asks for it after every
   * trial: refolding the whole journal each time made a sweep quadratic in its trials). An event
   * that lands before the last one folded (another worker's, on a shared sweep) drops it; the next
   * read folds again.
   */
  #state: SweepState | undefined;
  #fatal: unknown;

  constructor(store: Store, events: readonly JournalEvent[], hooks: RecorderHooks = {}) {
    this.#store = store;
    this.#hooks = hooks;
    for (const e of events) this.#remember(e);
  }

  /** The error of the first failed append (undefined while every append succeeded). */
  get fatal(): unknown {
    return this.#fatal;
  }

  /** The state of the sweep as the events recorded so far fold (the store's own fold, foldTrials). */
  get state(): SweepState {
    return (this.#state ??= foldTrials(this.events));
  }

  trialState(trialId: string): TrialState | undefined {
    const events = this.#byTrial.get(trialId);
    return events ? foldTrials(events).trials.get(trialId) : undefined;
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
        this.#remember(event);
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
    for (const e of events) if (!this.#seqs.has(e.seq)) this.#remember(e);
  }

  #remember(event: JournalEvent): void {
    this.#seqs.add(event.seq);
    if (this.#state && event.seq > this.#state.lastSeq) applyEvent(this.#state, event);
    else this.#state = undefined;
    insertBySeq(this.events, event);
    const id = (event as { trial_id?: string }).trial_id;
    if (id === undefined) return;
    let list = this.#byTrial.get(id);
    if (!list) this.#byTrial.set(id, (list = []));
    insertBySeq(list, event);
  }
}

/** Appends resolve nearly in order; keep the in-memory copy in journal (seq) order regardless. */
function insertBySeq(list: JournalEvent[], event: JournalEvent): void {
  let i = list.length;
  while (i > 0 && list[i - 1].seq > event.seq) i--;
  list.splice(i, 0, event);
}
