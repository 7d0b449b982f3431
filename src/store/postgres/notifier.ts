// Wake-ups for workers waiting for due work: one LISTEN connection per process (outside the pool)
// on the sweep's channel, which every append that ends a trial's attempt notifies (PgLog's
// APPEND_SQL). Notifications are only a fast path: a waiter also wakes after its timeout, so a
// lost connection (a server restart) costs at most that timeout, never a missed trial. The
// connection is opened again on the next wait.
import pg from 'pg';
import type { PgLocation } from './location.js';
import { sleep } from '../sleep.js';

export class Notifier {
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  /** Counts notifications: a waiter that read it before looking for work misses none after. */
  #generation = 0;
  #waiters = new Set<() => void>();
  #closed = false;

  constructor(
    private readonly loc: PgLocation,
    private readonly channel: string,
  ) {}

  /** Listen (connecting if need be) and return the current generation; never throws. */
  async generation(): Promise<number> {
    if (!this.#closed && !this.#client) {
      this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
      await this.#connecting;
    }
    return this.#generation;
  }

  /** Resolve once a notification came after `since`, after `timeoutMs`, or on abort. */
  async wait(since: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#generation !== since || signal?.aborted) return;
    const timeout = new AbortController();
    const onAbort = (): void => timeout.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const wake = (): void => timeout.abort();
    this.#waiters.add(wake);
    try {
      await sleep(timeoutMs, timeout.signal);
    } finally {
      this.#waiters.delete(wake);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.loc.connectionString, connectionTimeoutMillis: 10_000, keepAlive: true, application_name: 'finesweep' });
    const drop = (): void => {
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => {});
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => {
      this.#generation++;
      for (const wake of this.#waiters) wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      if (this.#closed) throw new Error('closed');
      this.#client = client;
    } catch {
      // No wake-ups until the next try: waiters fall back to their timeout.
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
