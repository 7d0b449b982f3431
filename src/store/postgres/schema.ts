// The tables of finesweep in a PostgreSQL database, created on first use and versioned: a
// database whose schema is newer than this finesweep's is refused (upgrade finesweep), never
// written to.
import type pg from 'pg';
import { InputError } from '../../errors.js';

export const SCHEMA_VERSION = 2;

const CREATE = `
CREATE TABLE finesweep_schema (
  id int PRIMARY KEY CHECK (id = 1),
  version int NOT NULL
);
CREATE TABLE finesweep_sweeps (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  spec json,
  spec_hash text,
  -- the per-sweep sequence: an append takes this row's lock until it commits, so seqs become
  -- visible in order and a reader that saw seq n has seen every seq below it
  last_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- the one-controller lease (run / resume): holder, token, heartbeat
  lease_pid int,
  lease_host text,
  lease_since timestamptz,
  lease_token text,
  lease_heartbeat timestamptz,
  lease_heartbeat_ms int,
  lease_expiry_ms int
);
-- append-only: one row an event, its body the event as written (json keeps its text exactly)
CREATE TABLE finesweep_events (
  sweep_id bigint NOT NULL REFERENCES finesweep_sweeps(id),
  seq bigint NOT NULL,
  idem uuid NOT NULL UNIQUE,
  type text NOT NULL,
  trial_id text,
  body json NOT NULL,
  PRIMARY KEY (sweep_id, seq)
);
-- the claimable state of each trial, derived from events but kept here so that workers can
-- claim with SELECT ... FOR UPDATE SKIP LOCKED and fence appends with the lease token
CREATE TABLE finesweep_trials (
  sweep_id bigint NOT NULL REFERENCES finesweep_sweeps(id),
  trial_id text NOT NULL,
  idx int NOT NULL,
  params json NOT NULL,
  state text NOT NULL DEFAULT 'pending',
  attempt int NOT NULL DEFAULT 0,
  lease_owner text,
  lease_token text,
  lease_expiry timestamptz,
  PRIMARY KEY (sweep_id, trial_id)
);
CREATE INDEX finesweep_trials_due ON finesweep_trials (sweep_id, state, idx);
`;

/**
 * Each step brings a database from version n to n + 1 (index n - 1), in the creator's transaction.
 * 2: events that a sweep records once whoever writes them (sweep_completed; a trial's early-stop
 *    decision) carry a key unique in their sweep: the first writer wins, the others read it back.
 */
const MIGRATIONS = [
  `ALTER TABLE finesweep_events ADD COLUMN once text;
   CREATE UNIQUE INDEX finesweep_events_once ON finesweep_events (sweep_id, once) WHERE once IS NOT NULL;`,
];

/** Create the tables if this database has none; refuse a newer schema. Runs in the caller's transaction. */
export async function ensureSchema(client: pg.ClientBase, databaseShown: string): Promise<void> {
  // One creator at a time (two workers starting together): a transaction-scoped advisory lock.
  await client.query('SELECT pg_advisory_xact_lock(7718430152)');
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('finesweep_schema')::text AS t`);
  if (exists.rows[0].t === null) {
    await client.query(CREATE);
    for (const step of MIGRATIONS) await client.query(step);
    await client.query('INSERT INTO finesweep_schema (id, version) VALUES (1, $1)', [SCHEMA_VERSION]);
    return;
  }
  const row = await client.query<{ version: number }>('SELECT version FROM finesweep_schema WHERE id = 1');
  const version = row.rows[0]?.version;
  if (version === undefined) throw new InputError(`${databaseShown}: finesweep_schema has no version row; it was not written by finesweep`);
  if (version > SCHEMA_VERSION) {
    throw new InputError(`${databaseShown} holds finesweep schema version ${version}, newer than this finesweep's (${SCHEMA_VERSION}): upgrade finesweep to use it`);
  }
  if (version < SCHEMA_VERSION) {
    for (const step of MIGRATIONS.slice(version - 1)) await client.query(step);
    await client.query('UPDATE finesweep_schema SET version = $1 WHERE id = 1', [SCHEMA_VERSION]);
  }
}
