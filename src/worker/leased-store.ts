// A worker's view of a PostgreSQL sweep: the Store the run loop writes through, with every event
// about a trial this worker holds fenced by that trial's lease token. An event refused because
// the lease was taken over rejects with LeaseLostError and aborts that trial's `lost` signal, so
// the run loop stops the trial (and records nothing more about it).
//
// What this worker knows of the shared log (read incrementally, and its own appends) is the
// PostgreSQL store's own feed (store/sweep-store.ts): the path a worker appends through is the one
// the store conformance suite runs, plus the fence.
import type { JournalEvent, JournalEventBody } from '../store/events.js';
import { LeaseLostError } from '../store/lease.js';
import type { PgStore } from '../store/postgres/pg-store.js';
import type { ClaimedTrial, Proposer, TrialLeases } from '../store/postgres/trial-leases.js';
import type { TrialState } from '../store/state.js';
import type { LeaseOptions, Store, StoreLock } from '../store/store.js';

export class LeasedStore implements Store {
  readonly #store: PgStore;
  readonly leases: TrialLeases;
  readonly #held = new Map<string, ClaimedTrial>();
  readonly #lost = new Map<string, AbortController>();

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
    try {
      return await this.#store.append(event, held ? { lease: held.token } : {});
    } catch (err) {
      if (err instanceof LeaseLostError && id !== undefined) this.#lost.get(id)?.abort(err);
      throw err;
    }
  }

  /** The log's events appended since the last read (every writer's), read from the database. */
  catchUp(): Promise<JournalEvent[]> {
    return this.#store.catchUp();
  }

  /** What this worker knows of one trial (every attempt's events, read or written here). */
  trialState(trialId: string): TrialState | undefined {
    return this.#store.trialState(trialId);
  }

  events(fromSeq = 1): Promise<JournalEvent[]> {
    return this.#store.events(fromSeq);
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
}
