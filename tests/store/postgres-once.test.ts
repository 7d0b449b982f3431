// Events a shared sweep records once, whoever writes them (real server, real processes):
// sweep_completed, and a trial's early-stop decision — the first one written wins, every other
// writer gets that one back, and the worker running the trial loses its lease and stops it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { parsePgLocation } from '../../src/store/postgres/location.js';
import { LeaseLostError } from '../../src/store/lease.js';
import { PgLog } from '../../src/store/postgres/pg-log.js';
import { SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import { TrialLeases } from '../../src/store/postgres/trial-leases.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { exited, waitFor } from './helpers/wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

let n = 0;
async function sweep(trials: number): Promise<{ name: string; log: PgLog }> {
  const name = `once-${++n}`;
  const log = await PgLog.open(parsePgLocation(pg.url()), name, { create: true });
  await new TrialLeases(log).register(Array.from({ length: trials }, (_, i) => ({ id: `t${i}`, index: i, params: { lr: i } })));
  return { name, log };
}

const stop = (id: string, epoch: number): JournalEventBody => ({ type: 'trial_stopped_early', trial_id: id, epoch, rung: epoch, reason: `median at epoch ${epoch}` });
const epochEnded = (id: string, epoch: number): JournalEventBody => ({ type: 'epoch_ended', trial_id: id, metrics: { epoch, train_loss: 1, val_loss: 1, seconds: 1 } });
const done: JournalEventBody = { type: 'sweep_completed', completed: 3, failed: 0, diverged: 0, stopped_early: 1 };
const of = (events: JournalEvent[], type: string) => events.filter((e) => e.type === type);

describe('events recorded once per sweep', () => {
  it('six processes writing sweep_completed and the same trial’s early stop at once: each recorded once, every writer gets the one recorded', async () => {
    if (!existsSync(join(ROOT, 'dist/src/store/postgres/pg-log.js'))) throw new Error('the project is not built: run `npm run build` (npm test does) first');
    const { name, log } = await sweep(2);
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-once-'));
    const script = join(dir, 'writer.mjs');
    writeFileSync(script, `
      import { writeFileSync, existsSync } from 'node:fs';
      import { parsePgLocation } from '${ROOT}/dist/src/store/postgres/location.js';
      import { PgLog } from '${ROOT}/dist/src/store/postgres/pg-log.js';
      const [url, name, dir, i] = process.argv.slice(2);
      const log = await PgLog.open(parsePgLocation(url), name);
      writeFileSync(dir + '/ready-' + i, 'x');
      while (!existsSync(dir + '/go')) await new Promise((r) => setTimeout(r, 2));
      // Each decides differently (its own view of the sweep): only the first decision stands.
      const [stopped, completed] = await Promise.all([
        log.append({ type: 'trial_stopped_early', trial_id: 't1', epoch: Number(i) + 1, reason: 'writer ' + i }),
        log.append({ type: 'sweep_completed', completed: Number(i), failed: 0, diverged: 0, stopped_early: 1 }),
      ]);
      writeFileSync(dir + '/got-' + i, JSON.stringify([stopped.seq, completed.seq]));
      await log.close();
    `);
    const children = Array.from({ length: 6 }, (_, i) => spawn(process.execPath, [script, pg.url(), name, dir, String(i)], { stdio: ['ignore', 'ignore', 'inherit'] }));
    await waitFor(() => children.every((_, i) => existsSync(join(dir, `ready-${i}`))), 'the writers to connect');
    writeFileSync(join(dir, 'go'), 'x');
    for (const child of children) expect(await exited(child)).toEqual({ code: 0, signal: null });
    const events = await log.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1)); // no gap left by a losing writer
    const stops = of(events, 'trial_stopped_early');
    const ends = of(events, 'sweep_completed');
    expect(stops).toHaveLength(1);
    expect(ends).toHaveLength(1);
    for (let i = 0; i < 6; i++) expect(JSON.parse(readFileSync(join(dir, `got-${i}`), 'utf8'))).toEqual([stops[0].seq, ends[0].seq]);
    const states = await new TrialLeases(log).states();
    expect(states.get('t1')?.state).toBe('stopped_early'); // never claimed again
    await log.close();
  });

  it('an early stop decided by another worker ends the running attempt: the holder’s next append is refused, its heartbeat learns it, a later decision gets the first back', async () => {
    const { log } = await sweep(1);
    const runner = new TrialLeases(log, { owner: 'runner', heartbeatMs: 40, expiryMs: 60_000 });
    const t = (await runner.claim())!;
    await log.append(epochEnded('t0', 1), { lease: t.token });
    await log.append(epochEnded('t0', 2), { lease: t.token });
    // Another worker's view (or a decision replayed from the journal at its start): stop t0 at epoch 2.
    const other = await PgLog.open(parsePgLocation(pg.url()), log.name);
    const first = await other.append(stop('t0', 2));
    expect(first).toMatchObject({ type: 'trial_stopped_early', trial_id: 't0', epoch: 2 });
    await new Promise<void>((res) => (t.lost.aborted ? res() : t.lost.addEventListener('abort', () => res(), { once: true })));
    expect(await log.append(epochEnded('t0', 3), { lease: t.token }).catch((e: unknown) => e)).toBeInstanceOf(LeaseLostError);
    // The runner's own (later) decision, and another worker's: both answered with the recorded one.
    expect(await log.append(stop('t0', 3), { lease: t.token })).toEqual(first);
    expect(await other.append(stop('t0', 4))).toEqual(first);
    expect(await runner.claim()).toBeUndefined();
    expect((await log.events()).map((e) => e.type)).toEqual(['epoch_ended', 'epoch_ended', 'trial_stopped_early']);
    await runner.close();
    await other.close();
    await log.close();
  });

  it('a decision about a trial that already ended is refused, and changes nothing', async () => {
    const { log } = await sweep(1);
    const leases = new TrialLeases(log, { owner: 'w' });
    const t = (await leases.claim())!;
    await log.append({ type: 'trial_completed', trial_id: 't0', seconds: 1 }, { lease: t.token });
    expect(await log.append(stop('t0', 1)).catch((e: unknown) => e)).toBeInstanceOf(LeaseLostError);
    expect((await log.events()).map((e) => e.type)).toEqual(['trial_completed']);
    expect((await leases.states()).get('t0')?.state).toBe('completed');
    await leases.close();
    await log.close();
  });

  it('migrates a version 1 database to the current schema on first use', async () => {
    pg.sql('create database old');
    const url = pg.url({ database: 'old' });
    const log = await PgLog.open(parsePgLocation(url), 'old-sweep', { create: true });
    await log.append(done);
    await log.close();
    // Back to version 1's shape, as an older finesweep left it.
    pg.sql('drop index finesweep_events_once; alter table finesweep_events drop column once; update finesweep_schema set version = 1', 'old');
    const again = await PgLog.open(parsePgLocation(url), 'old-sweep');
    expect(pg.sql('select version from finesweep_schema', 'old')).toBe(String(SCHEMA_VERSION));
    expect(await again.append(done)).toMatchObject({ seq: 2 }); // written before the key existed: not known as recorded
    expect(await again.append(done)).toMatchObject({ seq: 2 });
    expect((await again.events()).map((e) => e.seq)).toEqual([1, 2]);
    await again.close();
  });
});
