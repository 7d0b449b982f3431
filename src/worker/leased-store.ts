// A worker's view of a PostgreSQL sweep: the Store the run loop writes through, with every event
// about a trial this worker holds fenced by that trial's lease token. An event refused because
// the lease was taken over rejects with LeaseLostError and aborts that trial's `lost` signal, so
// the run loop stops the trial (and records nothing more about it).
//
// It also keeps what this worker knows of the shared log, read incrementally: `known` is the log's
// prefix up to the last seq read (seqs become visible in order, so reading after it misses
// nothing), and each trial's events (that prefix plus this worker's own appends). Reading every
// event (the run loop's end-of-trial passes) reads only the new ones from the database; a trial's
// metrics view is folded from its own events, without a read at all.
import type { JournalEvent, JournalEventBody } from '../store/events.js';
import { foldTrials } from '../store/fold.js';
import { LeaseLostError } from '../store/postgres/pg-log.js';
import type { PgStore } from '../store/postgres/pg-store.js';
import type { ClaimedTrial, Proposer, TrialLeases } from '../store/postgres/trial-leases.js';
import type { TrialState } from '../store/state.js';
import type { LeaseOptions, Store, StoreLock } from '../store/store.js';

export class LeasedStore implements Store {
  readonly #store: PgStore;
  readonly leases: TrialLeases;
  readonly #held = new Map<string, ClaimedTrial>();
  readonly #lost = new Map<string, AbortController>();
  /** The log's events 1..#seen, in order. */
  readonly #known: JournalEvent[] = [];
  #seen = 0;
  #reading: Promise<JournalEvent[]> | undefined;
  /** Each trial's events known here (read, or appended by this worker), in seq order. */
  readonly #byTrial = new Map<string, JournalEvent[]>();

  constructor(store: PgStore, leases: TrialLeases) {
    this.#store = store;
    this.leases = leases;
  }

  get dir(): string {
    return this.#store.dir;
  }
  get location(): string {
    return this.#store.location;
  }
  get shared(): boolean {
    return true;
  }

  /** Claim the next due trial (or propose one); its events are fenced from now on. */
  async claim(propose?: Proposer): Promise<(ClaimedTrial & { lost: AbortSignal }) | undefined> {
    const t = await this.leases.claim(propose);
    if (!t) return undefined;
    const lost = new AbortController();
    // Lost either way: the heartbeat found the lease gone, or an append was refused.
    t.lost.addEventListener('abort', () => lost.abort(t.lost.reason), { once: true });
    this.#held.set(t.id, t);
    this.#lost.set(t.id, lost);
    return { ...t, lost: lost.signal };
  }

  /** The attempt is over (its ending event written or refused): stop renewing its lease. */
  async done(trialId: string, opts: { giveBack?: boolean } = {}): Promise<void> {
    const t = this.#held.get(trialId);
    if (!t) return;
    this.#held.delete(trialId);
    this.#lost.delete(trialId);
    await this.leases.release(t.token, opts);
  }

  async append(event: JournalEventBody): Promise<JournalEvent> {
    const id = (event as { trial_id?: string }).trial_id;
    const held = id === undefined ? undefined : this.#held.get(id);
    let written: JournalEvent;
    try {
      written = await this.#store.eventLog.append(event, held ? { lease: held.token } : {});
    } catch (err) {
      if (err instanceof LeaseLostError && id !== undefined) this.#lost.get(id)?.abort(err);
      throw err;
    }
    this.#rememberOfTrial(written);
    if (written.type === 'epoch_ended') {
      const trial = written.trial_id;
      await this.#store.files.writeMetrics(trial, () => this.trialState(trial)?.epochs ?? []);
    }
    return written;
  }

  /** The log's events appended since the last read (every writer's), read from the database. */
  catchUp(): Promise<JournalEvent[]> {
    // One read at a time: two slots claiming together share it, and `known` stays a prefix.
    const read = (this.#reading ?? Promise.resolve([])).then(async () => {
      const fresh = await this.#store.eventLog.events(this.#seen + 1);
      for (const e of fresh) {
        if (e.seq !== this.#seen + 1) break; // stay a prefix (seqs become visible in order: not expected)
        this.#known.push(e);
        this.#seen = e.seq;
        this.#rememberOfTrial(e);
      }
      return fresh;
    });
    this.#reading = read.catch(() => []);
    return read;
  }

  /** What this worker knows of one trial (every attempt's events, read or written here). */
  trialState(trialId: string): TrialState | undefined {
    const events = this.#byTrial.get(trialId);
    return events ? foldTrials(events).trials.get(trialId) : undefined;
  }

  async events(fromSeq = 1): Promise<JournalEvent[]> {
    await this.catchUp();
    // `known` is the log's prefix from seq 1 with no gap: the events from `fromSeq` start at its index fromSeq - 1.
    return this.#known.slice(Math.max(0, fromSeq - 1));
  }
  waitForEvents(afterSeq: number, signal?: AbortSignal): Promise<void> {
    return this.#store.waitForEvents(afterSeq, signal);
  }
  trialDir(trialId: string): string {
    return this.#store.trialDir(trialId);
  }
  log(trialId: string, line: string): Promise<void> {
    return this.#store.log(trialId, line);
  }
  readSpec(): Promise<{ spec: unknown; hash: string } | undefined> {
    return this.#store.readSpec();
  }
  writeSpec(spec: unknown, hash: string): Promise<void> {
    return this.#store.writeSpec(spec, hash);
  }
  lock(opts?: LeaseOptions): Promise<StoreLock> {
    return this.#store.lock(opts);
  }
  async close(): Promise<void> {
    await this.leases.close();
    await this.#store.close();
  }

  #rememberOfTrial(event: JournalEvent): void {
    const id = (event as { trial_id?: string }).trial_id;
    if (id === undefined) return;
    let list = this.#byTrial.get(id);
    if (!list) this.#byTrial.set(id, (list = []));
    let i = list.length;
    while (i > 0 && list[i - 1].seq >= event.seq) {
      if (list[i - 1].seq === event.seq) return;
      i--;
    }
    list.splice(i, 0, event);
  }
}
