// One connection pool per process and server, shared by every store opened on it, sized from the
// process's slots (each slot appends through the store's one writer, so a few connections do).
// With the one LISTEN connection of a worker (notifier.ts), the connection count of a sweep stays
// bounded by workers × (slots + 2), whatever its size.
import pg from 'pg';
import type { PgLocation } from './location.js';

interface Shared {
  pool: pg.Pool;
  refs: number;
}

const pools = new Map<string, Shared>();

/** Pooled connections a process with `slots` slots needs: the appender, and a claim or read (or the heartbeat) per slot. */
export function poolSizeFor(slots: number): number {
  return Math.max(2, Math.min(slots, 32) + 1);
}

export function acquirePool(loc: PgLocation, size: number): pg.Pool {
  let shared = pools.get(loc.connectionString);
  if (!shared) {
    const pool = new pg.Pool({
      connectionString: loc.connectionString,
      max: size,
      connectionTimeoutMillis: 10_000,
      // Idle connections are closed rather than kept for hours (optuna#5600: dropped after an hour idle).
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'finesweep',
    });
    // An idle connection the server dropped (a restart) must not crash the process: the next
    // query takes a fresh one, and the caller retries with backoff.
    pool.on('error', () => {});
    shared = { pool, refs: 0 };
    pools.set(loc.connectionString, shared);
  }
  shared.refs++;
  return shared.pool;
}

export async function releasePool(loc: PgLocation): Promise<void> {
  const shared = pools.get(loc.connectionString);
  if (!shared) return;
  if (--shared.refs > 0) return;
  pools.delete(loc.connectionString);
  await shared.pool.end().catch(() => {});
}
