// The PostgreSQL store beyond the conformance suite: what a dropped connection, a restarted
// server, a newer schema and bad connection strings do — against a real server started here.
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SweepError } from '../../src/errors.js';
import type { JournalEventBody } from '../../src/store/events.js';
import { openStore } from '../../src/store/open.js';
import { SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import type { Store } from '../../src/store/store.js';
import { ADMIN_PASSWORD, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { startProxy } from '../helpers/pg-proxy.js';

let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

let n = 0;
async function open(url: string, opts: { create?: boolean; sweep?: string; poolSize?: number } = {}): Promise<Store> {
  const sweep = opts.sweep ?? `s${++n}`;
  return openStore(url, { create: true, ...opts, sweep, trialFiles: join(mkdtempSync(join(tmpdir(), 'finesweep-pg-files-')), sweep) });
}

const stopped = (i: number): JournalEventBody => ({ type: 'trial_stopped', trial_id: `t${i}`, epoch: i, reason: 'x' });

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof Error)) throw new Error('expected a rejection');
  return err;
}

describe('the PostgreSQL store', () => {
  it('creates its schema on first use, at the current version', async () => {
    const store = await open(pg.url());
    await store.close();
    expect(pg.sql('select version from finesweep_schema', 'finesweep')).toBe(String(SCHEMA_VERSION));
    expect(pg.sql(`select string_agg(tablename, ',' order by tablename) from pg_tables where tablename like 'finesweep_%'`, 'finesweep'))
      .toBe('finesweep_events,finesweep_schema,finesweep_sweeps,finesweep_trials');
  });

  it('writes an append whose commit reply was lost exactly once (its idempotency key), and goes on', async () => {
    const proxy = await startProxy(pg.port);
    try {
      const store = await open(pg.url({ port: proxy.port }));
      await store.append(stopped(0));
      proxy.dropNextCommitReply();
      const e = await store.append(stopped(1));
      expect(proxy.dropped()).toBe(1);
      expect(e.seq).toBe(2);
      const after = await store.append(stopped(2));
      expect(after.seq).toBe(3);
      expect((await store.events()).map((x) => [x.seq, (x as { trial_id: string }).trial_id])).toEqual([[1, 't0'], [2, 't1'], [3, 't2']]);
      await store.close();
    } finally {
      await proxy.close();
    }
  });

  it('rides out a server restart mid-appends: every append written once, in order, the sequence unbroken', async () => {
    const store = await open(pg.url());
    await store.append(stopped(0));
    const appends: Promise<unknown>[] = [];
    const restart = pg.restart();
    for (let i = 1; i <= 50; i++) appends.push(store.append(stopped(i)));
    await restart;
    for (let i = 51; i <= 60; i++) appends.push(store.append(stopped(i)));
    await Promise.all(appends);
    const events = await store.events();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(events.map((e) => (e as { trial_id: string }).trial_id)).toEqual(Array.from({ length: 61 }, (_, i) => `t${i}`));
    await store.close();
  });

  it('a crash of the server (immediate stop) keeps every acknowledged end of a trial; the log stays a gapless prefix', async () => {
    const store = await open(pg.url());
    const sweep = `s${n}`;
    // Mostly events whose commit does not wait for the WAL flush, each trial ended by one that does.
    for (let i = 0; i < 20; i++) {
      void store.append({ type: 'trial_started', trial_id: `t${i}`, index: i, params: {}, slot: 0, attempt: 1, from_epoch: 0 });
      void store.append({ type: 'epoch_ended', trial_id: `t${i}`, metrics: { epoch: 1, val_loss: 1 } });
      await store.append({ type: 'trial_completed', trial_id: `t${i}`, seconds: 0.01 });
    }
    await store.close();
    await pg.crash();
    const again = await openStore(pg.url(), { sweep, trialFiles: join(mkdtempSync(join(tmpdir(), 'finesweep-pg-files-')), sweep) });
    try {
      const events = await again.events();
      expect(events.filter((e) => e.type === 'trial_completed').map((e) => (e as { trial_id: string }).trial_id)).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(events.length).toBe(60); // what the flushed ends were written after is durable with them
    } finally {
      await again.close();
    }
  });

  it('keeps one pool per process: many stores on one server share its few connections', async () => {
    const url = pg.url({ database: 'pooled' });
    pg.sql('create database pooled');
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(url, { poolSize: 3 })));
    await Promise.all(stores.flatMap((s) => Array.from({ length: 20 }, (_, i) => s.append(stopped(i)))));
    const count = Number(pg.sql(`select count(*) from pg_stat_activity where datname = 'pooled'`));
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(3);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses a second controller naming pid, host and heartbeat age; takes over a lease whose heartbeat expired; the old holder learns it lost it', async () => {
    const sweep = `lease-${++n}`;
    const a = await open(pg.url(), { sweep });
    const b = await open(pg.url(), { sweep });
    const held = await a.lock({ heartbeatMs: 30, expiryMs: 60_000 });
    const err = await failure(b.lock());
    expect(err).toBeInstanceOf(SweepError);
    expect(err.message).toMatch(new RegExp(`^sweep ${sweep} in postgresql://finesweep_admin:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/finesweep is locked by pid ${process.pid} on host ${hostname()} since \\d{4}-\\S+ \\(last heartbeat \\d+\\.\\d s ago, stale after 60 s; its heartbeat is fresh, so it is alive\\)$`));
    // A holder on another host that stopped beating two minutes ago (the server's clock judges).
    pg.sql(`update finesweep_sweeps set lease_host = 'old-pod-7f9c', lease_pid = 4242, lease_heartbeat = now() - interval '2 minutes' where name = '${sweep}'`, 'finesweep');
    const taken = await b.lock();
    expect(taken.tookOverFrom).toMatchObject({ pid: 4242, host: 'old-pod-7f9c' });
    await new Promise<void>((resolve) => held.lost.addEventListener('abort', () => resolve(), { once: true }));
    expect(String((held.lost.reason as Error).message)).toMatch(/another controller took it over/);
    await held.release(); // not ours any more: leaves the new lease alone
    const third = await failure(a.lock());
    expect(third.message).toMatch(/is locked by pid/);
    await taken.release();
    await a.close();
    await b.close();
  });

  it('takes over with takeOver a lease known dead before its expiry, never one with a fresh heartbeat', async () => {
    const sweep = `take-${++n}`;
    const a = await open(pg.url(), { sweep });
    pg.sql(`update finesweep_sweeps set lease_host = 'gpu-node-7', lease_pid = 77, lease_since = now(), lease_token = 'x', lease_heartbeat = now() - interval '5 seconds', lease_heartbeat_ms = 10000, lease_expiry_ms = 60000 where name = '${sweep}'`, 'finesweep');
    expect((await failure(a.lock({ takeOver: true }))).message).toMatch(/pid 77 on host gpu-node-7 .*its heartbeat is fresh, so it is alive\)$/);
    pg.sql(`update finesweep_sweeps set lease_heartbeat = now() - interval '30 seconds' where name = '${sweep}'`, 'finesweep');
    expect((await failure(a.lock())).message).toMatch(new RegExp(`if it is dead, take it over with: finesweep resume --take-over --storage postgresql://finesweep_admin:\\*\\*\\*@\\S+ ${sweep}\\)$`));
    const lock = await a.lock({ takeOver: true });
    expect(lock.tookOverFrom).toMatchObject({ pid: 77, host: 'gpu-node-7' });
    await lock.release();
    await a.close();
  });
});

describe('bad PostgreSQL locations: one line, exit 2, the password never shown', () => {
  function expectBadInput(err: Error, pattern: RegExp): void {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(pattern);
    expect(err.message).not.toContain(ADMIN_PASSWORD);
    expect(err.message).not.toContain('s3cr3t');
  }

  it('an unreachable server', async () => {
    const proxy = await startProxy(1); // a free port, then closed: nothing listens there
    const port = proxy.port;
    await proxy.close();
    const err = await failure(open(pg.url({ port, password: 's3cr3t' })));
    expectBadInput(err, new RegExp(`^cannot reach PostgreSQL at postgresql://finesweep_admin:\\*\\*\\*@127\\.0\\.0\\.1:${port}/finesweep \\(ECONNREFUSED\\); is the server running on 127\\.0\\.0\\.1:${port}, and is --storage right\\?$`));
  });

  it('a wrong password', async () => {
    const err = await failure(open(pg.url({ password: 's3cr3t' })));
    expectBadInput(err, /^PostgreSQL at postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:\d+\/finesweep: password authentication failed for user "finesweep_admin" \(check the user and password/);
  });

  it('a database that does not exist', async () => {
    const err = await failure(open(pg.url({ database: 'nosuchdb' })));
    expectBadInput(err, /^PostgreSQL at \S+\/nosuchdb: database "nosuchdb" does not exist \(create it first: createdb nosuchdb\)$/);
  });

  it('a database the user has no rights in', async () => {
    pg.sql(`create role norights login password 's3cr3t'`);
    pg.sql('create database empty_db');
    const err = await failure(open(pg.url({ user: 'norights', password: 's3cr3t', database: 'empty_db' })));
    expectBadInput(err, /^PostgreSQL at postgresql:\/\/norights:\*\*\*@\S+\/empty_db: user "norights" lacks the rights finesweep needs \(permission denied for schema public\)/);
  });

  it('an unknown sweep name, listing the sweeps there', async () => {
    const known = await open(pg.url(), { sweep: 'known-sweep' });
    await known.close();
    const err = await failure(openStore(pg.url(), { sweep: 'no-such-sweep' }));
    expectBadInput(err, /^unknown sweep "no-such-sweep" in postgresql:\/\/finesweep_admin:\*\*\*@\S+ \(it holds: .*known-sweep/);
  });

  it('a schema of a newer version, left untouched', async () => {
    pg.sql('create database newer');
    const first = await open(pg.url({ database: 'newer' }));
    await first.close();
    pg.sql(`update finesweep_schema set version = ${SCHEMA_VERSION + 1}`, 'newer');
    const err = await failure(open(pg.url({ database: 'newer' })));
    expectBadInput(err, new RegExp(`^database newer at 127\\.0\\.0\\.1:\\d+ holds finesweep schema version ${SCHEMA_VERSION + 1}, newer than this finesweep's \\(${SCHEMA_VERSION}\\): upgrade finesweep to use it$`));
    expect(pg.sql('select count(*) from finesweep_sweeps', 'newer')).toBe('1');
  });

  it('passes TLS parameters through to the connection (sslmode=require on a server without TLS is refused)', async () => {
    const err = await failure(open(`${pg.url()}?sslmode=require`));
    expect(err.message).toMatch(/^PostgreSQL at postgresql:\/\/finesweep_admin:\*\*\*@\S+sslmode=require: .*does not support SSL/);
    expect(err.message).not.toContain(ADMIN_PASSWORD);
  });

  it('an unknown scheme', async () => {
    expectBadInput(await failure(openStore('mysql://x@y/z', { sweep: 's' })), /^--storage: unknown scheme "mysql:\/\/"/);
  });
});
