// Trial leases on PostgreSQL with real processes and a real server: claims never overlap, an
// expired lease is taken over as a new attempt, the old holder's events are refused (fencing),
// and an ending event ends the lease in the same commit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEventBody } from '../../src/store/events.js';
import { parsePgLocation } from '../../src/store/postgres/location.js';
import { LeaseLostError } from '../../src/store/lease.js';
import { PgLog } from '../../src/store/postgres/pg-log.js';
import { TrialLeases, type PlannedRow } from '../../src/store/postgres/trial-leases.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { exited, waitFor, waitForFile } from './helpers/wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

let n = 0;
async function sweep(trials = 12): Promise<{ name: string; log: PgLog; rows: PlannedRow[] }> {
  const name = `leases-${++n}`;
  const log = await PgLog.open(parsePgLocation(pg.url()), name, { create: true });
  const rows = Array.from({ length: trials }, (_, i) => ({ id: `t${i}`, index: i, params: { lr: i } }));
  await new TrialLeases(log).register(rows);
  return { name, log, rows };
}

const completed = (id: string): JournalEventBody => ({ type: 'trial_completed', trial_id: id, seconds: 1 });
const epoch = (id: string): JournalEventBody => ({ type: 'epoch_ended', trial_id: id, metrics: { epoch: 1, train_loss: 1, val_loss: 1, seconds: 1 } });

describe('trial leases', () => {
  it('lets three claimers drain twelve trials, each trial claimed and completed exactly once', async () => {
    const { log } = await sweep(12);
    const workers = ['a', 'b', 'c'].map((owner) => new TrialLeases(log, { owner }));
    const got: string[][] = [[], [], []];
    await Promise.all(workers.map(async (w, i) => {
      for (;;) {
        const t = await w.claim();
        if (!t) return;
        got[i].push(t.id);
        await log.append(completed(t.id), { lease: t.token });
        await w.release(t.token);
      }
    }));
    const all = got.flat().sort();
    expect(all).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
    expect((await log.events()).filter((e) => e.type === 'trial_completed')).toHaveLength(12);
    expect([...(await workers[0].states()).values()].every((s) => s.state === 'completed' && s.attempt === 1 && s.owner === null)).toBe(true);
    expect(await workers[0].claim()).toBeUndefined(); // a completed trial is never claimed again
    await log.close();
  });

  it('gives a trial whose lease expired to the next claimer as a new attempt, and refuses the old holder’s events', async () => {
    const { log, name } = await sweep(1);
    const first = new TrialLeases(log, { owner: 'first', heartbeatMs: 60_000 });
    const a = await first.claim();
    expect(a).toMatchObject({ id: 't0', attempt: 1, tookOver: false });
    const second = new TrialLeases(log, { owner: 'second' });
    expect(await second.claim()).toBeUndefined(); // its lease holds
    pg.sql(`update finesweep_trials set lease_expiry = now() - interval '1 second' where trial_id = 't0' and sweep_id = (select id from finesweep_sweeps where name = '${name}')`, 'finesweep');
    const b = await second.claim();
    expect(b).toMatchObject({ id: 't0', attempt: 2, tookOver: true });
    const refused = await log.append(epoch('t0'), { lease: a!.token }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeaseLostError);
    expect((refused as Error).message).toBe(`trial t0 of sweep ${name} is no longer leased to this worker (another worker took it over); its epoch_ended event was refused`);
    await log.append(epoch('t0'), { lease: b!.token });
    await log.append(completed('t0'), { lease: b!.token });
    expect((await log.events()).map((e) => e.type)).toEqual(['epoch_ended', 'trial_completed']);
    await first.close();
    await second.close();
    await log.close();
  });

  it('proposes at claim time from the shared history, so concurrent claimers never propose one index twice', async () => {
    const { log } = await sweep(0);
    const propose = (events: readonly { type: string }[]) => {
      const index = events.filter((e) => e.type === 'trial_proposed').length;
      return index < 6 ? { id: `p${index}`, index, params: { lr: index }, sampler: 'tpe' } : undefined;
    };
    const workers = [1, 2, 3].map((i) => new TrialLeases(log, { owner: `w${i}` }));
    const got = await Promise.all(workers.map(async (w) => {
      const mine: string[] = [];
      for (let t = await w.claim(propose); t; t = await w.claim(propose)) mine.push(t.id);
      return mine;
    }));
    expect(got.flat().sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    const proposals = (await log.events()).filter((e) => e.type === 'trial_proposed');
    expect(proposals.map((e) => (e as { index: number }).index)).toEqual([0, 1, 2, 3, 4, 5]);
    await log.close();
  });

  it('a worker frozen (SIGSTOP) past its lease is taken over; continued, its late events are refused and it learns it lost the trial', async () => {
    if (!existsSync(join(ROOT, 'dist/src/store/postgres/trial-leases.js'))) throw new Error('the project is not built: run `npm run build` (npm test does) first');
    const { log, name } = await sweep(1);
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-frozen-'));
    const script = join(dir, 'worker.mjs');
    writeFileSync(script, `
      import { writeFileSync, existsSync } from 'node:fs';
      import { parsePgLocation } from '${ROOT}/dist/src/store/postgres/location.js';
      import { PgLog } from '${ROOT}/dist/src/store/postgres/pg-log.js';
      import { TrialLeases } from '${ROOT}/dist/src/store/postgres/trial-leases.js';
      const [url, name, dir] = process.argv.slice(2);
      const log = await PgLog.open(parsePgLocation(url), name);
      const leases = new TrialLeases(log, { owner: 'frozen', heartbeatMs: 50, expiryMs: 400 });
      const t = await leases.claim();
      t.lost.addEventListener('abort', () => writeFileSync(dir + '/lost', 'x'));
      writeFileSync(dir + '/claimed', t.id);
      // After SIGCONT: write the next epoch, as a trial that kept running would.
      while (!existsSync(dir + '/go')) await new Promise((r) => setTimeout(r, 10));
      try { await log.append({ type: 'epoch_ended', trial_id: t.id, metrics: { epoch: 2, train_loss: 1, val_loss: 1, seconds: 1 } }, { lease: t.token }); writeFileSync(dir + '/written', 'x'); }
      catch (e) { writeFileSync(dir + '/refused', e.name + ': ' + e.message); }
      await leases.close(); await log.close();
    `);
    const child = spawn(process.execPath, [script, pg.url(), name, dir], { stdio: 'ignore' });
    try {
      await waitForFile(join(dir, 'claimed'), child);
      child.kill('SIGSTOP');
      const other = new TrialLeases(log, { owner: 'other' });
      let taken: Awaited<ReturnType<TrialLeases['claim']>>;
      await waitFor(async () => (taken = await other.claim()) !== undefined, 'the frozen worker’s lease to expire');
      expect(taken!).toMatchObject({ id: 't0', attempt: 2, tookOver: true });
      writeFileSync(join(dir, 'go'), 'x');
      child.kill('SIGCONT');
      expect(await exited(child)).toEqual({ code: 0, signal: null });
      expect(readFileSync(join(dir, 'refused'), 'utf8')).toMatch(/^LeaseLostError: trial t0 of sweep \S+ is no longer leased to this worker/);
      expect(existsSync(join(dir, 'written'))).toBe(false);
      expect(await log.events()).toEqual([]);
      await other.close();
    } finally {
      child.kill('SIGKILL');
    }
    await log.close();
  });

  it('a trial whose worker was killed (kill -9) mid-trial is taken by another after its lease expires', async () => {
    const { log, name } = await sweep(1);
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-killed-'));
    const script = join(dir, 'worker.mjs');
    writeFileSync(script, `
      import { writeFileSync } from 'node:fs';
      import { parsePgLocation } from '${ROOT}/dist/src/store/postgres/location.js';
      import { PgLog } from '${ROOT}/dist/src/store/postgres/pg-log.js';
      import { TrialLeases } from '${ROOT}/dist/src/store/postgres/trial-leases.js';
      const [url, name, dir] = process.argv.slice(2);
      const log = await PgLog.open(parsePgLocation(url), name);
      const leases = new TrialLeases(log, { owner: 'doomed', heartbeatMs: 50, expiryMs: 300 });
      const t = await leases.claim();
      await log.append({ type: 'trial_started', trial_id: t.id, index: t.index, params: t.params, slot: 0, attempt: t.attempt, from_epoch: 0 }, { lease: t.token });
      writeFileSync(dir + '/started', t.id);
      setInterval(() => {}, 1000);
    `);
    const child = spawn(process.execPath, [script, pg.url(), name, dir], { stdio: 'ignore' });
    await waitForFile(join(dir, 'started'), child);
    child.kill('SIGKILL');
    await exited(child);
    const other = new TrialLeases(log, { owner: 'survivor' });
    let taken: Awaited<ReturnType<TrialLeases['claim']>>;
    await waitFor(async () => (taken = await other.claim()) !== undefined, 'the dead worker’s lease to expire');
    expect(taken!).toMatchObject({ id: 't0', attempt: 2, tookOver: true });
    await log.append(completed('t0'), { lease: taken!.token });
    expect((await other.states()).get('t0')).toEqual({ state: 'completed', attempt: 2, owner: null });
    await other.close();
    await log.close();
  });
});
