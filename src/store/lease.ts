// When a lease's holder counts as dead, for every lease (the file journal's lock.json, the
// PostgreSQL sweep and trial leases). Pure but for one look at this host's process table.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { errnoOf } from './fs-errors.js';
import { SweepError } from '../errors.js';
import type { LockInfo } from './store.js';

/** An event refused because the trial's lease is no longer the writer's: it must stop the trial. */
export class LeaseLostError extends SweepError {
  override name = 'LeaseLostError';
}

/**
 * 'stale': expired, or its pid is dead on this host. 'fresh': alive beyond doubt (a heartbeat
 * within two beats), refused even with takeOver. 'live': not expired; takeOver takes it.
 */
export type Verdict = 'stale' | 'live' | 'fresh';

export function judgeLease(
  holder: LockInfo,
  ageMs: number,
  timing: { expiryMs: number; heartbeatMs: number },
  takeOver: boolean,
): Verdict {
  if (ageMs > timing.expiryMs) return 'stale';
  if (holder.host === hostname() && holder.pid !== process.pid && pidIsDead(holder.pid)) return 'stale';
  if (ageMs < 2 * timing.heartbeatMs) return 'fresh';
  return takeOver ? 'stale' : 'live';
}

/**
 * True only where this host proves the pid gone: no such process, or a zombie (killed, not yet
 * reaped: it still answers kill(pid, 0), which refused a resume right after a kill -9).
 */
export function pidIsDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but someone else's process.
    return errnoOf(err) === 'ESRCH';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces or parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const at = stat.lastIndexOf(')') + 2;
    const state = stat.slice(at, at + 1);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux): a live pid is taken as alive
  }
}

/**
 * "<what> is locked by pid P on host H since T (last heartbeat A s ago, stale after E s; hint)".
 * `waitHint`: the command that waits for the lease to expire and then takes over (resume --wait),
 * for a holder that may have just died on another host (its heartbeat still fresh).
 */
export function lockedMessage(what: string, holder: LockInfo, ageMs: number, expiryMs: number, verdict: Verdict, takeOverHint: string, waitHint?: string): string {
  const wait = waitHint !== undefined ? `, or wait for its lease to expire with: ${waitHint}` : '';
  const hint =
    verdict === 'fresh'
      ? waitHint !== undefined
        ? `its heartbeat is fresh, so it may be alive; if it has just died, wait for its lease to expire with: ${waitHint}`
        : 'its heartbeat is fresh, so it is alive'
      : `if it is dead, take it over with: ${takeOverHint}${wait}`;
  return (
    `${what} is locked by pid ${holder.pid} on host ${holder.host} since ${holder.since} ` +
    `(last heartbeat ${(ageMs / 1000).toFixed(1)} s ago, stale after ${Math.round(expiryMs / 1000)} s; ${hint})`
  );
}
