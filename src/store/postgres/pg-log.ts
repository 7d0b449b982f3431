// The event log of a sweep in PostgreSQL: the resolved spec and the one-controller lease on the
// sweep's row, events in an append-only table with a per-sweep sequence. Appends are queued and
// written in call order, those that arrive together in one short transaction; each event carries
// an idempotency key, so a batch retried after a dropped connection (it may have committed) is
// never written twice. Connection losses are retried with backoff up to `reconnectMs`.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { FinesweepError, InputError, SweepError } from '../../errors.js';
import type { JournalEvent, JournalEventBody } from '../events.js';
import { LeaseLostError, judgeLease, lockedMessage } from '../lease.js';
import { DEFAULT_EXPIRY_MS, DEFAULT_HEARTBEAT_MS, type EventLog, type LeaseOptions, type LockInfo, type StoreLock } from '../store.js';
import { failure, isTransient, openError, pgCode } from './errors.js';
import type { PgLocation } from './location.js';
import { acquirePool, releasePool } from './pool.js';
import { ensureSchema } from './schema.js';
import { sleep } from '../sleep.js';
import { isFinished, statusAfter } from '../../trial/status.js';

const MAX_BATCH = 500;
const POLL_MS = 100;

/**
 * A batch of appends, fenced, numbered and written in one statement. $6 holds each event's lease
 * token (or null): an event whose token is no longer its trial's is left out (`valid` locks the
 * rows of the tokens still held, so no claimer takes one of those trials before the commit). Rows
 * are found by (sweep, trial id), the primary key: a fenced event always names its trial.
 * The sweep row's last_seq gives the seqs (its lock, held to the commit, makes seqs visible in
 * order). An ending event ($7: the claimable state it leaves) clears its trial's lease in the same
 * commit and notifies the sweep's waiting workers (LISTEN on $9).
 * Once-keys ($10): an event the sweep records once (sweep_completed, a trial's early stop) is left
 * out when its key is recorded already (`recorded` returns the winner), or twice in the batch. An
 * early stop decided by a worker that does not hold the trial (unleased, ending 'stopped_early')
 * is written only while the trial is open, and ends whichever attempt runs it: that worker's next
 * append or heartbeat finds its lease gone, and it stops the trial — the first decision wins.
 */
const APPEND_SQL_TEXT = `
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $10::text[]) WITH ORDINALITY
    AS i(idem, type, trial_id, rest, lease, ending, once, ord)
), valid AS (
  SELECT t.lease_token FROM finesweep_trials t
    JOIN (SELECT DISTINCT trial_id, lease FROM input WHERE lease IS NOT NULL) l ON t.trial_id = l.trial_id AND t.lease_token = l.lease
   WHERE t.sweep_id = $1 FOR UPDATE OF t
), undecided AS (
  SELECT t.trial_id FROM finesweep_trials t
   WHERE t.sweep_id = $1 AND t.state IN ('pending', 'running')
     AND t.trial_id IN (SELECT trial_id FROM input WHERE lease IS NULL AND ending IS NOT NULL) FOR UPDATE OF t
), recorded AS (
  SELECT e.once, e.body FROM finesweep_events e
   WHERE e.sweep_id = $1 AND e.once IN (SELECT once FROM input WHERE once IS NOT NULL)
), kept AS (
  SELECT i.*, row_number() OVER (ORDER BY i.ord) AS n, count(*) OVER () AS total FROM input i
   WHERE (i.lease IS NULL OR i.lease IN (SELECT lease_token FROM valid))
     AND (i.lease IS NOT NULL OR i.ending IS NULL OR i.trial_id IN (SELECT trial_id FROM undecided))
     AND (i.once IS NULL OR (i.once NOT IN (SELECT once FROM recorded)
                             AND i.ord = (SELECT min(j.ord) FROM input j WHERE j.once = i.once)))
), bump AS (
  UPDATE finesweep_sweeps SET last_seq = last_seq + (SELECT count(*) FROM kept)
   WHERE id = $1 AND set_config('synchronous_commit', $11::text, true) IS NOT NULL RETURNING last_seq
), ins AS (
  INSERT INTO finesweep_events (sweep_id, seq, idem, type, trial_id, body, once)
  SELECT $1, s.seq, k.idem, k.type, k.trial_id, ('{"seq":' || s.seq || ',"time":' || $8::text || ',' || k.rest)::json, k.once
    FROM kept k CROSS JOIN bump b CROSS JOIN LATERAL (SELECT b.last_seq - k.total + k.n AS seq) s
  RETURNING idem, seq
), ended AS (
  UPDATE finesweep_trials t SET state = k.ending, lease_token = NULL, lease_owner = NULL, lease_expiry = NULL
    FROM kept k WHERE k.ending IS NOT NULL AND t.sweep_id = $1 AND t.trial_id = k.trial_id AND (k.lease IS NULL OR t.lease_token = k.lease)
  RETURNING t.trial_id
), told AS (
  SELECT pg_notify($9::text, 'ended') FROM (SELECT 1 FROM ended LIMIT 1) e
)
SELECT ins.idem::text AS idem, ins.seq, NULL::text AS once, NULL::json AS body FROM ins LEFT JOIN (SELECT count(*) FROM told) n ON true
UNION ALL
SELECT NULL, NULL, once, body FROM recorded`;
/**
 * Events whose commit does not wait for the WAL flush (synchronous_commit off for that transaction
 * only). The sweep row's lock — the per-sweep sequence every writer of the sweep takes — is held
 * until commit, so a flushed commit makes all of them wait for the disk, one after another; these
 * are most of a trial's events. What that costs is bounded: only a crash of the server itself
 * (a killed client loses nothing committed) can lose them, and at most the last
 * 3 × wal_writer_delay (0.6 s by default) of them. Every other event — a trial's end, a decision,
 * sweep_completed, a removal of files, a TPE proposal (its trial's row is already durable) — is flushed, and WAL is one sequence, so its flush makes
 * every earlier event durable too: after a crash the log is a prefix of what was written, a trial
 * resumes from an earlier recorded epoch at worst, and no finished trial is ever run again.
 */
const SOFT: ReadonlySet<string> = new Set(['trial_started', 'epoch_ended', 'data_report']);
// Named: each connection parses and plans it once, not on every append.
const APPEND_SQL = { name: 'finesweep_append', text: APPEND_SQL_TEXT };
const EVENTS_SQL = { name: 'finesweep_events', text: 'SELECT body FROM finesweep_events WHERE sweep_id = $1 AND seq >= $2 ORDER BY seq' };

export interface PgLogOptions {
  create?: boolean;
  /** Connections of this process's pool (poolSizeFor(slots)). */
  poolSize?: number;
  /** How long to keep retrying a lost connection before the sweep fails (default 120 s). */
  reconnectMs?: number;
}

interface Queued {
  body: JournalEventBody;
  idem: string;
  /** The trial lease token this event is fenced by (a worker's events about its trial). */
  lease?: string;
  resolve: (e: JournalEvent) => void;
  reject: (err: unknown) => void;
}

export class PgLog implements EventLog {
  readonly shared = true;
  readonly location: string;
  readonly name: string;
  readonly loc: PgLocation;
  readonly pool: pg.Pool;
  readonly sweepId: string;
  readonly reconnectMs: number;
  /** The NOTIFY channel of this sweep: a trial's attempt ended (workers waiting for due work wake up). */
  readonly channel: string;
  private queue: Queued[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  private constructor(loc: PgLocation, name: string, pool: pg.Pool, sweepId: string, reconnectMs: number) {
    this.loc = loc;
    this.location = loc.shown;
    this.name = name;
    this.pool = pool;
    this.sweepId = sweepId;
    this.reconnectMs = reconnectMs;
    this.channel = `finesweep_sweep_${sweepId}`;
  }

  /** Connect, create or check the schema, and find (or with `create`, make) the sweep's row. */
  static async open(loc: PgLocation, name: string, opts: PgLogOptions = {}): Promise<PgLog> {
    const pool = acquirePool(loc, opts.poolSize ?? 4);
    const reconnectMs = opts.reconnectMs ?? 120_000;
    const deadline = Date.now() + reconnectMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        const sweepId = await openSweep(pool, loc, name, opts.create === true);
        return new PgLog(loc, name, pool, sweepId, reconnectMs);
      } catch (err) {
        // A server restarting (a worker started mid `pg_ctl restart`) is waited for; one that is
        // not there at all, a wrong password or name is reported at once.
        if (restarting(err) && Date.now() + delay < deadline) {
          await sleep(delay);
          continue;
        }
        await releasePool(loc);
        throw openError(err, loc);
      }
    }
  }

  /**
   * `lease`: the token of the trial lease the event is about. The event is written only while
   * that lease is still the trial's (LeaseLostError otherwise: another worker took the trial),
   * and an ending event ends the lease and sets the trial's claimable state in the same commit.
   */
  append(body: JournalEventBody, opts: { lease?: string } = {}): Promise<JournalEvent> {
    if (this.closed) return Promise.reject(new SweepError(`sweep ${this.name} in ${this.location} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ body, idem: randomUUID(), resolve, reject, ...(opts.lease ? { lease: opts.lease } : {}) });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          let attempt = 0;
          const written = await this.withRetry('append events', () => this.writeBatch(batch, attempt++));
          batch.forEach((q, i) => {
            const w = written[i];
            if (w instanceof LeaseLostError) q.reject(w);
            else q.resolve(w);
          });
        } catch (err) {
          for (const q of batch) q.reject(err);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * One batch in ONE statement (its own transaction): fencing, the seqs, the inserts and the
   * trials' claimable state. The sweep row's lock (the per-sweep sequence) is then held only for
   * the statement and its commit — never across round trips to this process, which on a busy
   * machine may wait for a core between two statements while every other writer of the sweep
   * waits for that lock.
   */
  private async writeBatch(all: Queued[], attempt: number): Promise<Array<JournalEvent | LeaseLostError>> {
    if (attempt > 0) {
      // The previous try may have committed before its connection dropped: if so, it is written
      // (a fenced event refused then is refused again below: its lease is still not its own; an
      // event recorded once answers with the one recorded).
      const done = await this.pool.query<{ idem: string; body: JournalEvent }>('SELECT idem::text AS idem, body FROM finesweep_events WHERE idem = ANY($1::uuid[])', [all.map((q) => q.idem)]);
      if (done.rowCount! > 0) {
        const byIdem = new Map(done.rows.map((r) => [r.idem, r.body]));
        const onces = all.map((q) => onceKey(q.body)).filter((k): k is string => k !== undefined);
        const once = onces.length === 0 ? [] : (await this.pool.query<{ once: string; body: JournalEvent }>('SELECT once, body FROM finesweep_events WHERE sweep_id = $1 AND once = ANY($2::text[])', [this.sweepId, onces])).rows;
        const byOnce = new Map(once.map((r) => [r.once, r.body]));
        return all.map((q) => byIdem.get(q.idem) ?? byOnce.get(onceKey(q.body) ?? '') ?? new LeaseLostError(leaseLostMessage(q.body, this.name)));
      }
    }
    const time = new Date().toISOString();
    const rests = all.map((q) => restOf(q.body));
    const onces = all.map((q) => onceKey(q.body) ?? null);
    let r: pg.QueryResult<{ idem: string | null; seq: string | null; once: string | null; body: JournalEvent | null }>;
    for (let raced = 0; ; raced++) {
      try {
        r = await this.pool.query({
          ...APPEND_SQL,
          values: [
            this.sweepId,
            all.map((q) => q.idem),
            all.map((q) => q.body.type),
            all.map((q) => (q.body as { trial_id?: string }).trial_id ?? null),
            rests.map((rest) => rest.slice(1)),
            all.map((q) => q.lease ?? null),
            all.map((q) => (q.lease ? endingState(q.body) : decisionState(q.body)) ?? null),
            JSON.stringify(time),
            this.channel,
            onces,
            all.every((q) => SOFT.has(q.body.type)) ? 'off' : 'on',
          ],
        });
        break;
      } catch (err) {
        // Two writers of one once-key at the same instant: the loser's statement is rolled back
        // whole; run it again, and it finds the winner recorded.
        if (pgCode(err) !== '23505' || (err as { constraint?: string }).constraint !== 'finesweep_events_once' || raced >= 5) throw err;
      }
    }
    const seqs = new Map<string, number>();
    const recorded = new Map<string, JournalEvent>();
    for (const row of r.rows) {
      if (row.idem !== null) seqs.set(row.idem, Number(row.seq));
      else if (row.once !== null && row.body !== null) recorded.set(row.once, row.body);
    }
    const written = all.map((q) => {
      const seq = seqs.get(q.idem);
      return seq === undefined ? undefined : stamp(q.body, seq, time);
    });
    // A once-key left out without its winner in the statement's snapshot: a writer that committed
    // it while this statement waited for the trial's row. A fresh read finds it.
    const missing = onces.filter((k, i): k is string => k !== null && written[i] === undefined && !recorded.has(k) && !written.some((w, j) => w !== undefined && onces[j] === k));
    if (missing.length > 0) {
      const late = await this.pool.query<{ once: string; body: JournalEvent }>('SELECT once, body FROM finesweep_events WHERE sweep_id = $1 AND once = ANY($2::text[])', [this.sweepId, missing]);
      for (const row of late.rows) recorded.set(row.once, row.body);
    }
    return all.map((q, i) => {
      const event = written[i];
      if (event) return event;
      const once = onces[i];
      // Recorded once: the event already there (another writer's, or this batch's first) is the answer.
      const first = once === null ? undefined : recorded.get(once) ?? written.find((w, j) => w !== undefined && onces[j] === once);
      return first ?? new LeaseLostError(leaseLostMessage(q.body, this.name));
    });
  }

  /** Take the next seqs (the sweep row's lock, held to the commit) and insert the events (inside a caller's transaction). */
  async insertEvents(c: pg.ClientBase, batch: Array<{ body: JournalEventBody; idem: string }>): Promise<JournalEvent[]> {
    const next = await c.query<{ last_seq: string }>('UPDATE finesweep_sweeps SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq', [this.sweepId, batch.length]);
    const first = Number(next.rows[0].last_seq) - batch.length + 1;
    const time = new Date().toISOString();
    const events = batch.map((q, i) => stamp(q.body, first + i, time));
    await c.query(
      `INSERT INTO finesweep_events (sweep_id, seq, idem, type, trial_id, body)
       SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::json[])`,
      [
        this.sweepId,
        events.map((e) => e.seq),
        batch.map((q) => q.idem),
        events.map((e) => e.type),
        events.map((e) => (e as { trial_id?: string }).trial_id ?? null),
        events.map((e) => JSON.stringify(e)),
      ],
    );
    return events;
  }

  async events(fromSeq = 1): Promise<JournalEvent[]> {
    const r = await this.query<{ body: JournalEvent }>('read events', EVENTS_SQL, [this.sweepId, fromSeq]);
    return r.rows.map((row) => row.body);
  }

  /** Polls the sweep's sequence (one indexed row) rather than holding a LISTEN connection per waiter. */
  async waitForEvents(afterSeq: number, signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      const r = await this.query<{ last_seq: string }>('read events', 'SELECT last_seq FROM finesweep_sweeps WHERE id = $1', [this.sweepId]);
      if (Number(r.rows[0].last_seq) > afterSeq) return;
      await sleep(POLL_MS, signal);
    }
  }

  async readSpec(): Promise<{ spec: unknown; hash: string } | undefined> {
    const r = await this.query<{ spec: unknown; spec_hash: string | null }>('read the spec', 'SELECT spec, spec_hash FROM finesweep_sweeps WHERE id = $1', [this.sweepId]);
    const row = r.rows[0];
    return row.spec === null || row.spec_hash === null ? undefined : { spec: row.spec, hash: row.spec_hash };
  }

  async writeSpec(spec: unknown, hash: string): Promise<void> {
    await this.query('write the spec', 'UPDATE finesweep_sweeps SET spec = $2, spec_hash = $3 WHERE id = $1', [this.sweepId, JSON.stringify(spec), hash]);
  }

  async lock(opts: LeaseOptions = {}): Promise<StoreLock> {
    const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const expiryMs = opts.expiryMs ?? DEFAULT_EXPIRY_MS;
    const token = randomBytes(8).toString('hex');
    const taken = await this.transaction('take the sweep lease', async (c) => {
      const r = await c.query<LeaseRow>(
        `SELECT lease_pid, lease_host, lease_since, lease_token, lease_heartbeat, lease_heartbeat_ms, lease_expiry_ms,
                extract(epoch FROM now() - lease_heartbeat) * 1000 AS age_ms
           FROM finesweep_sweeps WHERE id = $1 FOR UPDATE`,
        [this.sweepId],
      );
      const row = r.rows[0];
      let tookOverFrom: LockInfo | undefined;
      if (row.lease_token !== null) {
        const holder = leaseInfo(row);
        const age = Number(row.age_ms);
        const timing = { expiryMs: row.lease_expiry_ms ?? expiryMs, heartbeatMs: row.lease_heartbeat_ms ?? heartbeatMs };
        const verdict = judgeLease(holder, age, timing, opts.takeOver === true);
        if (verdict !== 'stale') {
          throw new SweepError(lockedMessage(`sweep ${this.name} in ${this.location}`, holder, age, timing.expiryMs, verdict, `finesweep resume --take-over --storage ${this.location} ${this.name}`));
        }
        tookOverFrom = holder;
      }
      const set = await c.query<{ since: Date; heartbeat: Date }>(
        `UPDATE finesweep_sweeps SET lease_pid = $2, lease_host = $3, lease_since = now(), lease_token = $4, lease_heartbeat = now(),
                lease_heartbeat_ms = $5, lease_expiry_ms = $6
          WHERE id = $1 RETURNING lease_since AS since, lease_heartbeat AS heartbeat`,
        [this.sweepId, process.pid, hostname(), token, heartbeatMs, expiryMs],
      );
      return { tookOverFrom, since: set.rows[0].since.toISOString(), heartbeat: set.rows[0].heartbeat.toISOString() };
    });
    const info: LockInfo = { pid: process.pid, host: hostname(), since: taken.since, heartbeat: taken.heartbeat, token };
    const lost = new AbortController();
    let released = false;
    let beating: Promise<void> = Promise.resolve();
    const beat = async (): Promise<void> => {
      if (released) return;
      try {
        const r = await this.pool.query<{ heartbeat: Date }>(
          'UPDATE finesweep_sweeps SET lease_heartbeat = now() WHERE id = $1 AND lease_token = $2 RETURNING lease_heartbeat AS heartbeat',
          [this.sweepId, token],
        );
        if (r.rowCount === 0 && !released) {
          clearInterval(timer);
          lost.abort(new SweepError(`lost the lease of sweep ${this.name} in ${this.location}: another controller took it over`));
        } else if (r.rows[0]) {
          info.heartbeat = r.rows[0].heartbeat.toISOString();
        }
      } catch {
        // A dropped connection: the next beat tries again; past the expiry the lease may be lost.
      }
    };
    const timer = setInterval(() => {
      beating = beating.then(beat);
    }, heartbeatMs);
    timer.unref();
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      clearInterval(timer);
      await beating;
      await this.query('release the sweep lease', `UPDATE finesweep_sweeps SET lease_token = NULL, lease_pid = NULL, lease_host = NULL, lease_since = NULL, lease_heartbeat = NULL WHERE id = $1 AND lease_token = $2`, [this.sweepId, token]).catch(() => {});
    };
    return { info, ...(taken.tookOverFrom ? { tookOverFrom: taken.tookOverFrom } : {}), lost: lost.signal, release };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.draining) await this.draining;
    this.closed = true;
    await releasePool(this.loc);
  }

  /** One statement, retried on a lost connection. */
  query<R extends pg.QueryResultRow>(doing: string, text: string | { name: string; text: string }, values: unknown[]): Promise<pg.QueryResult<R>> {
    const config = typeof text === 'string' ? { text } : text;
    return this.withRetry(doing, () => this.pool.query<R>({ ...config, values }));
  }

  /** A short transaction, retried as a whole on a lost connection (`attempt` counts the tries). */
  async transaction<T>(doing: string, fn: (c: pg.PoolClient, attempt: number) => Promise<T>): Promise<T> {
    let attempt = 0;
    return this.withRetry(doing, async () => {
      const c = await this.pool.connect();
      // A connection that dies while checked out emits 'error': the query in flight rejects and
      // is retried; the event itself must not crash the process.
      c.on('error', ignore);
      try {
        await c.query('BEGIN');
        const out = await fn(c, attempt++);
        await c.query('COMMIT');
        c.off('error', ignore);
        c.release();
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        // A broken connection is thrown away, not given back to the pool.
        c.off('error', ignore);
        c.release(isTransient(err) ? (err as Error) : undefined);
        throw err;
      }
    });
  }

  /** `fn` retried on a lost connection, told how many tries came before (a write may have committed). */
  retry<T>(doing: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    let attempt = 0;
    return this.withRetry(doing, () => fn(attempt++));
  }

  private async withRetry<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.reconnectMs;
    let delay = 50;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof FinesweepError) throw err;
        if (!isTransient(err) || Date.now() + delay > deadline) throw failure(err, this.loc, doing);
        await sleep(delay);
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }
}

interface LeaseRow {
  lease_pid: number | null;
  lease_host: string | null;
  lease_since: Date | null;
  lease_token: string | null;
  lease_heartbeat: Date | null;
  lease_heartbeat_ms: number | null;
  lease_expiry_ms: number | null;
  age_ms: string | null;
}

/** Create or check the schema and find (or with `create`, make) the sweep's row: its id. */
async function openSweep(pool: pg.Pool, loc: PgLocation, name: string, create: boolean): Promise<string> {
  let client: pg.PoolClient | undefined;
  try {
    client = await pool.connect();
    client.on('error', ignore);
    await client.query('BEGIN');
    await ensureSchema(client, `database ${loc.database} at ${loc.hostPort}`);
    let row = await client.query<{ id: string }>('SELECT id FROM finesweep_sweeps WHERE name = $1', [name]);
    if (row.rowCount === 0 && create) {
      row = await client.query<{ id: string }>('INSERT INTO finesweep_sweeps (name) VALUES ($1) RETURNING id', [name]);
    }
    if (row.rowCount === 0) {
      const known = await client.query<{ name: string }>('SELECT name FROM finesweep_sweeps ORDER BY created_at DESC LIMIT 5');
      const list = known.rows.map((r) => r.name);
      throw new InputError(
        `unknown sweep ${JSON.stringify(name)} in ${loc.shown}` + (list.length ? ` (it holds: ${list.join(', ')})` : ' (it holds no sweep yet; start one with finesweep run --storage)'),
      );
    }
    await client.query('COMMIT');
    client.off('error', ignore);
    client.release();
    return row.rows[0].id;
  } catch (err) {
    if (client) {
      await client.query('ROLLBACK').catch(() => {});
      client.off('error', ignore);
      client.release(true);
    }
    throw err;
  }
}

/** A transient failure that is not a missing server: a restart under way, a dropped connection. */
function restarting(err: unknown): boolean {
  if (err instanceof FinesweepError || !isTransient(err)) return false;
  return !['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT'].includes(pgCode(err) ?? '') && !/timeout/i.test(String((err as Error)?.message));
}

function ignore(): void {}


function leaseLostMessage(body: JournalEventBody, sweep: string): string {
  const id = (body as { trial_id?: string }).trial_id ?? '?';
  return `trial ${id} of sweep ${sweep} is no longer leased to this worker (another worker took it over); its ${body.type} event was refused`;
}

/**
 * The claimable state a trial is left in by an event that ends its attempt (none for the others):
 * its status when finished, else 'pending' (a retry owed, or interrupted: any worker continues it
 * from its checkpoint).
 */
export function endingState(event: JournalEventBody): string | undefined {
  const status = statusAfter(event);
  if (status === undefined || status === 'running') return undefined;
  return isFinished(status) ? status : 'pending';
}

function leaseInfo(row: LeaseRow): LockInfo {
  return {
    pid: row.lease_pid ?? 0,
    host: row.lease_host ?? '?',
    since: (row.lease_since ?? new Date(0)).toISOString(),
    heartbeat: (row.lease_heartbeat ?? new Date(0)).toISOString(),
    token: row.lease_token ?? undefined,
  };
}

/** The key of an event a sweep records once, whoever writes it; undefined for the others. */
export function onceKey(body: JournalEventBody): string | undefined {
  if (body.type === 'sweep_completed') return 'sweep_completed';
  if (body.type === 'trial_stopped_early') return `stopped_early:${body.trial_id}`;
  return undefined;
}

/** An early stop written by a worker that does not hold the trial ends the trial all the same. */
function decisionState(body: JournalEventBody): string | undefined {
  return body.type === 'trial_stopped_early' ? 'stopped_early' : undefined;
}

/** The body as JSON without the seq and time the store assigns (a caller's own never win). */
function restOf(body: JournalEventBody): string {
  const { seq: _s, time: _t, ...rest } = body as JournalEventBody & { seq?: unknown; time?: unknown };
  return JSON.stringify(rest);
}

function stamp(body: JournalEventBody, seq: number, time: string): JournalEvent {
  // seq and time first so that a body reads in order; a caller's own seq/time never wins.
  const { seq: _s, time: _t, ...rest } = body as JournalEventBody & { seq?: unknown; time?: unknown };
  return { seq, time, ...rest } as JournalEvent;
}
