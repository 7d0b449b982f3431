// The sweeps a PostgreSQL database holds, for the dashboard's list: each one's name, last sequence
// number and whether anyone works on it now (a live controller lease or an unexpired trial lease).
// Reads only: a database without finesweep's tables holds no sweep, and none are created.
import { InputError } from '../../errors.js';
import { openError } from './errors.js';
import { parsePgLocation } from './location.js';
import { acquirePool, releasePool } from './pool.js';
import { SCHEMA_VERSION } from './schema.js';

export interface PgSweepEntry {
  name: string;
  lastSeq: number;
  /** A controller's lease with a fresh heartbeat, or a trial lease not yet expired. */
  active: boolean;
}

/** `location` as shown (password redacted) and its sweeps by name; a failure is one redacted line. */
export async function listPgSweeps(location: string): Promise<{ location: string; sweeps: PgSweepEntry[] }> {
  const loc = parsePgLocation(location);
  const pool = acquirePool(loc, 4);
  try {
    const tables = await pool.query<{ t: string | null }>(`SELECT to_regclass('finesweep_schema')::text AS t`);
    if (tables.rows[0].t === null) return { location: loc.shown, sweeps: [] };
    const version = (await pool.query<{ version: number }>('SELECT version FROM finesweep_schema WHERE id = 1')).rows[0]?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new InputError(`database ${loc.database} at ${loc.hostPort} holds finesweep schema version ${version}, newer than this finesweep's (${SCHEMA_VERSION}): upgrade finesweep to use it`);
    }
    const r = await pool.query<{ name: string; last_seq: string; active: boolean }>(
      `SELECT s.name, s.last_seq,
              (s.lease_token IS NOT NULL AND s.lease_heartbeat > now() - make_interval(secs => coalesce(s.lease_expiry_ms, 60000) / 1000.0))
              OR EXISTS (SELECT 1 FROM finesweep_trials t WHERE t.sweep_id = s.id AND t.lease_token IS NOT NULL AND t.lease_expiry > now()) AS active
         FROM finesweep_sweeps s ORDER BY s.name`,
    );
    return { location: loc.shown, sweeps: r.rows.map((row) => ({ name: row.name, lastSeq: Number(row.last_seq), active: row.active === true })) };
  } catch (err) {
    throw openError(err, loc);
  } finally {
    await releasePool(loc);
  }
}
