// A free slot's next trial on a shared sweep: claim one that is due (or propose one), else wait —
// a running trial may fail and be retried, or its worker may die and its lease expire — and end
// when no trial of the sweep is open any more.
import type { Proposer } from '../store/postgres/trial-leases.js';
import type { LeasedStore } from './leased-store.js';

export interface NextWorkOptions {
  propose?: Proposer;
  signal?: AbortSignal;
  /** How often to look again while trials run elsewhere (default: a heartbeat, at most 1 s). */
  pollMs?: number;
}

export async function nextClaim(store: LeasedStore, opts: NextWorkOptions = {}) {
  const pollMs = opts.pollMs ?? Math.min(store.leases.heartbeatMs, 1000);
  for (;;) {
    if (opts.signal?.aborted) return undefined;
    // Listening before looking: an attempt that ends after this look wakes the wait below.
    const since = await store.leases.changes();
    const claimed = await store.claim(opts.propose);
    if (claimed) return claimed;
    const { open, expiresInMs } = await store.leases.open();
    if (!open) return undefined;
    // Woken when an attempt ends (it may be retried, or be the last), or when the earliest lease
    // expires (its worker may be dead); the poll is a safety net for a lost LISTEN connection.
    await store.leases.waitForChange(since, Math.min(pollMs, expiresInMs === undefined ? pollMs : Math.max(20, expiresInMs + 5)), opts.signal);
  }
}
