// One suite for the Store interface, run against every implementation: the journal in the sweep
// directory, and PostgreSQL (a real server this file starts; the sweep is named after the
// directory, which holds its trial files), opened as `report` opens it and as a worker writes to
// it (through worker/leased-store.ts, the path `finesweep worker` appends by).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError, SweepError } from '../../src/errors.js';
import type { EpochMetrics } from '../../src/trial/types.js';
import type { JournalEventBody } from '../../src/store/events.js';
import { foldTrials } from '../../src/store/fold.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import type { PgStore } from '../../src/store/postgres/pg-store.js';
import { TrialLeases } from '../../src/store/postgres/trial-leases.js';
import { LeasedStore } from '../../src/worker/leased-store.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';

interface Implementation {
  name: string;
  open(dir: string, opts?: { create?: boolean }): Promise<Store>;
  /** How it refuses a sweep that does not exist (a missing directory; one without a journal). */
  missing(dir: string): RegExp;
  empty: RegExp;
}

let cluster: Promise<PgCluster> | undefined;
afterAll(async () => {
  if (cluster) await (await cluster).stop();
});
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unknownSweep = /^unknown sweep ".*" in postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:\d+\/finesweep( |$)/;

const implementations: Implementation[] = [
  {
    name: 'JournalStore',
    open: (dir, opts) => JournalStore.open(dir, opts),
    missing: (dir) => new RegExp(`^${escape(`not a sweep directory: ${dir} (it does not exist)`)}$`),
    empty: /^not a sweep directory: .*no spec\.resolved\.json or journal\.jsonl/,
  },
  {
    name: 'PostgreSQL',
    async open(dir, opts) {
      cluster ??= startPostgres();
      return openStore((await cluster).url(), { ...opts, sweep: dir, trialFiles: dir });
    },
    missing: () => unknownSweep,
    empty: unknownSweep,
  },
  {
    name: 'PostgreSQL worker (LeasedStore)',
    async open(dir, opts) {
      cluster ??= startPostgres();
      const store = (await openStore((await cluster).url(), { ...opts, sweep: dir, trialFiles: dir })) as PgStore;
      return new LeasedStore(store, new TrialLeases(store.eventLog));
    },
    missing: () => unknownSweep,
    empty: unknownSweep,
  },
];

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function freshDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'finesweep-store-')), 'sweep');
}

function epoch(n: number, valLoss: number): EpochMetrics {
  return { epoch: n, train_loss: valLoss + 0.1, val_loss: valLoss, seconds: 1 };
}

const started = (id: string, index: number, from = 0, attempt = 1): JournalEventBody => ({
  type: 'trial_started', trial_id: id, index, params: { learning_rate: 0.001 * (index + 1) }, slot: 0, attempt, from_epoch: from,
});

describe.each(implementations)('the $name store', (impl) => {
  async function open(dir: string, opts?: { create?: boolean }): Promise<Store> {
    const store = await impl.open(dir, opts);
    opened.push(store);
    return store;
  }

  it('assigns seq 1, 2, 3 and an ISO time to appended events and reads them back in order', async () => {
    const store = await open(freshDir(), { create: true });
    const a = await store.append({ type: 'sweep_started', name: 's', spec_hash: 'h', trials: 2, resumed: false, pid: 1, host: 'x' });
    const b = await store.append(started('t0', 0));
    const c = await store.append({ type: 'trial_completed', trial_id: 't0', seconds: 3 });
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    for (const e of [a, b, c]) expect(new Date(e.time).toISOString()).toBe(e.time);
    expect(await store.events()).toEqual([a, b, c]);
  });

  it('ignores a seq or time given by the caller', async () => {
    const store = await open(freshDir(), { create: true });
    const body = { type: 'journal_repaired', dropped_bytes: 0, seq: 99, time: 'yesterday' } as unknown as JournalEventBody;
    const e = await store.append(body);
    expect(e.seq).toBe(1);
    expect(e.time).not.toBe('yesterday');
  });

  it('keeps seq order and every event intact under many concurrent appends', async () => {
    const store = await open(freshDir(), { create: true });
    const bodies = Array.from({ length: 300 }, (_, i) => ({ type: 'trial_stopped', trial_id: `t${i}`, epoch: i, reason: 'x'.repeat(i) }) as const);
    const written = await Promise.all(bodies.map((b) => store.append(b)));
    expect(written.map((e) => e.seq)).toEqual(bodies.map((_, i) => i + 1));
    const events = await store.events();
    expect(events).toEqual(written);
    expect(events.map((e) => (e as { trial_id: string }).trial_id)).toEqual(bodies.map((b) => b.trial_id));
  });

  it('continues the sequence after the store is closed and opened again', async () => {
    const dir = freshDir();
    const first = await open(dir, { create: true });
    await first.append(started('t0', 0));
    await first.append(started('t1', 1));
    await first.close();
    const second = await open(dir);
    const e = await second.append({ type: 'trial_completed', trial_id: 't0', seconds: 1 });
    expect(e.seq).toBe(3);
    expect((await second.events()).map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  it('refuses to open a directory that does not exist without create, naming it', async () => {
    const dir = freshDir();
    const err = await impl.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(impl.missing(dir));
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses to open an existing directory that holds no sweep without create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-store-'));
    const err = await impl.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(impl.empty);
  });

  it('writes the resolved spec with its hash and reads it back; none before', async () => {
    const dir = freshDir();
    const store = await open(dir, { create: true });
    expect(await store.readSpec()).toBeUndefined();
    const spec = { name: 'demo', search: { method: 'grid' }, space: { lr: [1e-3, 1e-4] } };
    await store.writeSpec(spec, 'abc123');
    expect(await store.readSpec()).toEqual({ spec, hash: 'abc123' });
    expect(await (await open(dir)).readSpec()).toEqual({ spec, hash: 'abc123' });
  });

  it('gives each trial its own directory, made by the first write there, and refuses ids that escape it', async () => {
    const dir = freshDir();
    const store = await open(dir, { create: true });
    const t = store.trialDir('trial-0007');
    expect(t.startsWith(store.dir)).toBe(true);
    // Naming it makes nothing: a trial that writes no file leaves no directory.
    expect(existsSync(t)).toBe(false);
    await store.log('trial-0007', 'hello');
    expect(statSync(t).isDirectory()).toBe(true);
    expect(() => store.trialDir('../evil')).toThrow(SweepError);
    expect(() => store.trialDir('a/b')).toThrow(SweepError);
  });

  it('appends log lines to the trial log', async () => {
    const store = await open(freshDir(), { create: true });
    await store.log('t0', 'first');
    await store.log('t0', 'second\n');
    expect(readFileSync(join(store.trialDir('t0'), 'log.txt'), 'utf8')).toBe('first\nsecond\n');
  });

  it('lets one controller hold the lock; a second is refused naming pid and host, until release', async () => {
    const dir = freshDir();
    const store = await open(dir, { create: true });
    const other = await open(dir, { create: true });
    const held = await store.lock();
    expect(held.info).toMatchObject({ pid: process.pid, host: hostname() });
    expect(held.tookOverFrom).toBeUndefined();
    const err = await other.lock().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as Error).message).toMatch(
      new RegExp(`^sweep .* is locked by pid ${process.pid} on host ${hostname()} since \\d{4}-`),
    );
    await held.release();
    const again = await other.lock();
    await again.release();
  });

  it('records per-epoch metrics for a trial, one line per epoch, the latest report of an epoch winning', async () => {
    const store = await open(freshDir(), { create: true });
    // The view goes beside the trial's own files (a trainer's checkpoint made its directory).
    mkdirSync(store.trialDir('t0'), { recursive: true });
    await store.append(started('t0', 0));
    await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(1, 0.9) });
    await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(2, 0.8) });
    // Interrupted after epoch 2 with the checkpoint of epoch 1: resumed, epoch 2 is reported again.
    await store.append(started('t0', 0, 1, 2));
    await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(2, 0.7) });
    const lines = readFileSync(join(store.trialDir('t0'), 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([epoch(1, 0.9), epoch(2, 0.7)]);
  });

  it('appends an evaluation to the per-epoch metrics, and writes them whole again when the file changed behind its back', async () => {
    const store = await open(freshDir(), { create: true });
    mkdirSync(store.trialDir('t0'), { recursive: true });
    const file = join(store.trialDir('t0'), 'metrics.jsonl');
    const read = () => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    await store.append(started('t0', 0));
    for (let e = 1; e <= 3; e++) await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(e, 1 - e / 10) });
    expect(read()).toEqual([epoch(1, 0.9), epoch(2, 0.8), epoch(3, 0.7)]);
    rmSync(file);
    await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(4, 0.6) });
    expect(read()).toEqual([epoch(1, 0.9), epoch(2, 0.8), epoch(3, 0.7), epoch(4, 0.6)]);
    writeFileSync(file, 'edited by hand\n');
    await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(5, 0.5) });
    expect(read()).toEqual([epoch(1, 0.9), epoch(2, 0.8), epoch(3, 0.7), epoch(4, 0.6), epoch(5, 0.5)]);
  });

  it('keeps the per-epoch metrics of earlier runs when a reopened sweep reports the next epoch', async () => {
    const dir = freshDir();
    const first = await open(dir, { create: true });
    mkdirSync(first.trialDir('t0'), { recursive: true });
    await first.append(started('t0', 0));
    await first.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(1, 0.9) });
    await first.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(2, 0.8) });
    await first.close();
    const second = await open(dir);
    await second.append(started('t0', 0, 2, 2));
    await second.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(3, 0.7) });
    const lines = readFileSync(join(second.trialDir('t0'), 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([epoch(1, 0.9), epoch(2, 0.8), epoch(3, 0.7)]);
  });

  it('folds its events into the state of every trial', async () => {
    const store = await open(freshDir(), { create: true });
    await store.append({ type: 'sweep_started', name: 'demo', spec_hash: 'h1', trials: 3, resumed: false, pid: 1, host: 'h' });
    await store.append(started('t0', 0));
    await store.append(started('t1', 1));
    await store.append({ type: 'epoch_ended', trial_id: 't0', metrics: epoch(1, 0.5) });
    await store.append({ type: 'trial_completed', trial_id: 't0', seconds: 2 });
    await store.append({ type: 'trial_failed', trial_id: 't1', attempt: 1, error: 'boom', will_retry: false });
    await store.append({ type: 'trial_proposed', trial_id: 't2', index: 2, params: { learning_rate: 0.1 }, sampler: 'grid' });
    const state = foldTrials(await store.events());
    expect(state.name).toBe('demo');
    expect(state.specHash).toBe('h1');
    expect(state.lastSeq).toBe(7);
    expect([...state.trials.values()].map((t) => [t.id, t.status])).toEqual([
      ['t0', 'completed'], ['t1', 'failed'], ['t2', 'pending'],
    ]);
    expect(state.trials.get('t1')?.reason).toBe('boom');
  });

  it('reads the events from a sequence number on', async () => {
    const store = await open(freshDir(), { create: true });
    for (let i = 0; i < 5; i++) await store.append(started(`t${i}`, i));
    expect((await store.events(4)).map((e) => e.seq)).toEqual([4, 5]);
    expect(await store.events(6)).toEqual([]);
    expect((await store.events()).length).toBe(5);
  });

  it('waits for an event another writer appends, returns at once if one is there, and stops on abort', async () => {
    const dir = freshDir();
    const store = await open(dir, { create: true });
    await store.append(started('t0', 0));
    await store.waitForEvents(0); // seq 1 exists already
    const waiting = store.waitForEvents(1);
    const other = await open(dir);
    await other.append(started('t1', 1));
    await waiting;
    expect((await store.events(2)).map((e) => e.seq)).toEqual([2]);
    const abort = new AbortController();
    const idle = store.waitForEvents(2, abort.signal);
    abort.abort();
    await idle;
  });

  it('renews the lease of its holder and takes over one whose heartbeat has expired', async () => {
    const dir = freshDir();
    const store = await open(dir, { create: true });
    const other = await open(dir, { create: true });
    // An expiry far above the heartbeat: on a loaded machine the event loop can stall for longer
    // than a short expiry, and the holder would then lose its lease for real.
    const held = await store.lock({ heartbeatMs: 20, expiryMs: 1_000 });
    expect(held.lost.aborted).toBe(false);
    // While it beats, a second holder is refused however long it tries; a released lease is free.
    await expect(other.lock()).rejects.toThrow(/is locked by pid/);
    await held.release();
    const again = await other.lock();
    expect(again.tookOverFrom).toBeUndefined();
    await again.release();
  });
});
