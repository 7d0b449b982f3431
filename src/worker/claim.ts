// A free slot's next trial on a shared sweep: claim one that is due (or propose one), else wait —
// a running trial may fail and be retried, or its worker may die and its lease expire — and end
// when no trial of the sweep is open any more.
import { sleep } from '../store/sleep.js';
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
    const claimed = await store.claim(opts.propose);
    if (claimed) return claimed;
    const states = await store.leases.states();
    const open = [...states.values()].some((s) => s.state === 'pending' || s.state === 'running');
    if (!open) return undefined;
    await sleep(pollMs, opts.signal);
  }
}
