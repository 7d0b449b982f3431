// The dashboard over a real PostgreSQL server (`finesweep dashboard --storage URL [name]`): a sweep
// created with `finesweep run --storage … --no-work` and worked by a `finesweep worker` process is
// listed and followed through the Store port (only the events after the last sequence number read),
// pushed as server-sent events; the password appears in no page and no output; a bad URL, an
// unreachable server, a wrong password and an unknown sweep name are one line each, exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { StoreTail } from '../../src/dashboard/store-tail.js';
import type { JournalEventBody } from '../../src/store/events.js';
import { openStore } from '../../src/store/open.js';
import { finesweep, run, STACK } from '../e2e/helpers.js';
import { ADMIN_PASSWORD, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { writeSpec } from '../sweep/sweep-helpers.js';
import { until } from '../store/helpers/wait.js';

const NOOP = resolve(import.meta.dirname, '../../dist/bench/trainers/noop.js');
const MARKUP = '<img src=x onerror="window.__pwned = 1">';

let pg: PgCluster;
let dir: string;
let dash: Dashboard | undefined;

beforeAll(async () => {
  pg = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'finesweep-dash-pg-'));
}, 120_000);

afterAll(async () => {
  await dash?.close();
  await pg?.stop();
});

const get = async (path: string): Promise<string> => (await fetch(new URL(path, dash!.url))).text();

/** Read server-sent events until one matches. */
function sse(url: string) {
  const controller = new AbortController();
  const body = fetch(url, { signal: controller.signal }).then((r) => r.body!.getReader());
  const decoder = new TextDecoder();
  let text = '';
  return {
    async next(pattern: RegExp): Promise<RegExpMatchArray> {
      const reader = await body;
      for (;;) {
        const m = text.match(pattern);
        if (m) {
          text = text.slice(m.index! + m[0].length);
          return m;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(value);
      }
    },
    close: () => controller.abort(),
  };
}


describe('the dashboard on a PostgreSQL store', () => {
  it('lists the database\'s sweeps, follows one worked by a worker process live, and never shows the password', async () => {
    // No finesweep table yet: an empty list, and nothing created by the dashboard.
    dash = await startDashboard({ dir: '', storage: pg.url(), host: '127.0.0.1', port: 0 });
    expect(dash.where).toBe(pg.url().replace(`:${ADMIN_PASSWORD}@`, ':***@'));
    expect(await get('/')).toContain('No sweep in this database yet');
    expect(pg.sql(`select to_regclass('finesweep_schema') is null`, 'finesweep')).toBe('t');

    // A sweep created while the list page is open: its stream says the list changed.
    const list = sse(new URL('/events', dash.url).href);
    const first = (await list.next(/event: journal\ndata: \{"seq":(\d+)\}/))[1];
    writeSpec(dir, { name: 'pg-live', epochs: 3, learningRates: [1e-4, 1e-3], batchSizes: [8, 16], extra: { pause_ms: { value: 150 } }, resources: { workers: 1 } });
    const created = await run(['run', '--storage', pg.url(), 'pg-live.json', '--no-work', '--trainer', NOOP], dir);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect((await list.next(/event: journal\ndata: \{"seq":(\d+)\}/))[1]).not.toBe(first);
    list.close();
    // (run held the sweep's lease for a moment: a listing taken then says running until the next.)
    await until('the new sweep listed as not started', async () => (/data-sweep="pg-live".*class="status not started">not started</.test(await get('/')) ? true : undefined));

    const page = await get('/sweeps/pg-live');
    expect(page.match(/<tr class="[^"]*" data-trial=/g)).toHaveLength(4); // the plan, all pending

    const stream = sse(new URL('/sweeps/pg-live/events', dash.url).href);
    // The position now (the first event of a stream), then each new one while the worker runs.
    const startSeq = Number((await stream.next(/event: journal\ndata: \{"seq":(\d+)\}/))[1]);
    expect(startSeq).toBeGreaterThan(0);
    const worker = finesweep(['worker', '--storage', pg.url(), '--sweep', 'pg-live', '--workers', '1', '--trainer', NOOP, '--trial-files', join(dir, 'results', 'pg-live')], dir);
    const later = Number((await stream.next(/event: journal\ndata: \{"seq":(\d+)\}/))[1]);
    expect(later).toBeGreaterThan(startSeq);
    const end = await worker.done;
    expect(end.code, end.stderr).toBe(0);
    await until('every trial completed on the page', async () => {
      const board = await get('/sweeps/pg-live/leaderboard');
      return (board.match(/class="status completed"/g) ?? []).length === 4 ? board : undefined;
    });
    stream.close();
    // Its sweep_completed may be read a poll after the trials' ends.
    await until('the sweep finished on the list', async () => (/data-sweep="pg-live".*class="status finished">finished</.test(await get('/')) ? true : undefined));
    const id = (await get('/sweeps/pg-live')).match(/data-trial="([^"]+)"/)![1];
    const trial = await get(`/sweeps/pg-live/trials/${id}`);
    expect(trial).toContain(`<h1>Trial ${id}</h1>`);
    expect(trial).toMatch(/<td class="">3<\/td>/); // its third epoch's row

    for (const path of ['/', '/sweeps/pg-live', '/sweeps/pg-live/leaderboard', '/sweeps/pg-live/charts', `/sweeps/pg-live/trials/${id}`]) {
      expect(await get(path), path).not.toContain(ADMIN_PASSWORD);
    }
    expect(await fetch(new URL('/sweeps/nope', dash.url)).then((r) => r.status)).toBe(404);
    await dash.close();
    dash = undefined;
  }, 180_000);

  it('reads a sweep once, then only the events after the last sequence number it read', async () => {
    const store = await openStore(pg.url(), { sweep: 'pg-live' });
    try {
      const tail = new StoreTail(store);
      expect(await tail.poll()).toBe(true);
      const all = (await store.events()).length;
      expect(tail.eventsRead).toBe(all);
      expect(tail.state.completed).toBe(true);
      expect(await tail.poll()).toBe(false);
      expect(tail.eventsRead).toBe(all);
      let seen = 0;
      tail.subscribe(() => seen++);
      tail.start();
      const id = [...tail.state.trials.keys()][0];
      const event: JournalEventBody = { type: 'trial_stopped', trial_id: id, epoch: 3, reason: 'a test event' };
      await store.append(event);
      await until('the appended event', async () => (seen > 0 ? true : undefined), 30_000);
      expect(tail.eventsRead).toBe(all + 1);
      expect(tail.state.lastSeq).toBe(all + 1);
      // The server restarts under the follower: it reconnects and goes on from where it was.
      await pg.restart();
      await store.append(event);
      await until('the event appended after the restart', async () => (seen > 1 ? true : undefined), 60_000);
      expect(tail.eventsRead).toBe(all + 2);
      expect(tail.error).toBeUndefined();
      await tail.stop();
    } finally {
      await store.close();
    }
  });

  it('escapes what the database holds: a description with markup is text', async () => {
    writeSpec(dir, { name: 'pg-markup', learningRates: [1e-3], batchSizes: [8] });
    const spec = JSON.parse(readFileSync(join(dir, 'pg-markup.json'), 'utf8'));
    spec.description = `made by ${MARKUP}`;
    writeFileSync(join(dir, 'pg-markup.json'), JSON.stringify(spec));
    expect((await run(['run', '--storage', pg.url(), 'pg-markup.json', '--no-work', '--trainer', NOOP], dir)).code).toBe(0);
    dash = await startDashboard({ dir: '', storage: pg.url(), sweep: 'pg-markup', host: '127.0.0.1', port: 0 });
    const html = await get('/sweeps/pg-markup');
    expect(html).not.toContain('<img');
    expect(html).toContain('made by &lt;img src=x onerror=&quot;window.__pwned = 1&quot;&gt;');
    // One sweep named: the list has it alone.
    const list = await get('/');
    expect(list).toContain('data-sweep="pg-markup"');
    expect(list).not.toContain('data-sweep="pg-live"');
    await dash.close();
    dash = undefined;
  });
});

describe('finesweep dashboard --storage (the CLI)', () => {
  it('prints its URL and the database with the password redacted; Ctrl-C stops it', async () => {
    const cli = finesweep(['dashboard', '--storage', pg.url(), '--port', '0'], dir);
    const line = await new Promise<string>((res, rej) => {
      let out = '';
      cli.child.stdout!.on('data', (d) => {
        out += d;
        const m = out.match(/dashboard: .*\n/);
        if (m) res(m[0]);
      });
      void cli.done.then((r) => rej(new Error(`exited: ${r.stderr}`)));
    });
    expect(line).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(sweeps in postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:\d+\/finesweep; read-only; Ctrl-C to stop\)\n$/);
    cli.child.kill('SIGINT');
    const end = await cli.done;
    expect(end.code).toBe(130);
    expect(end.stdout + end.stderr).not.toContain(ADMIN_PASSWORD);
  });

  it('says in one line (exit 2) what is wrong with the URL, the server, the password or the sweep name, never the password', async () => {
    const closed = pg.url({ port: 1 });
    // A database whose finesweep schema is newer than this finesweep's.
    pg.sql('create database newer');
    pg.sql('create database empty');
    pg.sql('create table finesweep_schema (id int primary key, version int not null); insert into finesweep_schema values (1, 99)', 'newer');
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['--storage', 'postgresql://finesweep_admin:pw@127.0.0.1:5432'], /^finesweep: --storage postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:5432: no database name/],
      [['--storage', 'postgresql://u:pw@[bad/db'], /^finesweep: --storage: not a valid URL/],
      [['--storage', 'mysql://u:pw@h/db'], /^finesweep: --storage: unknown scheme "mysql:\/\/"/],
      [['--storage', closed], /^finesweep: cannot reach PostgreSQL at postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:1\/finesweep/],
      [['--storage', pg.url({ password: 'wrong-pw-42' })], /^finesweep: PostgreSQL at postgresql:\/\/finesweep_admin:\*\*\*@.*password authentication failed/],
      [['--storage', pg.url(), 'no-such-sweep'], /^finesweep: unknown sweep "no-such-sweep" in postgresql:\/\/finesweep_admin:\*\*\*@.* \(it holds: .*pg-live/],
      [['--storage', pg.url({ database: 'newer' })], /^finesweep: database newer at 127\.0\.0\.1:\d+ holds finesweep schema version 99, newer than this finesweep's \(\d+\): upgrade finesweep/],
      [['--storage', pg.url({ database: 'empty' }), 'pg-live'], /^finesweep: unknown sweep "pg-live" in postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:\d+\/empty \(it holds no sweep yet; start one with finesweep run --storage\)\n$/],
      [['--trial-files', dir], /^finesweep: --trial-files: only with --storage and a sweep name/],
      [['no-such-sweep'], /^finesweep: unknown sweep "no-such-sweep" in postgresql:\/\/finesweep_admin:\*\*\*@/, { FINESWEEP_STORAGE: pg.url() }],
    ];
    for (const [args, message, env] of cases) {
      const saved = { ...process.env };
      Object.assign(process.env, env ?? {});
      const r = await run(['dashboard', ...args, '--port', '0'], dir);
      process.env = saved;
      const label = args.join(' ').replaceAll(ADMIN_PASSWORD, '…');
      expect(r.code, label).toBe(2);
      expect(r.stderr, label).toMatch(message);
      expect(r.stderr.trimEnd().split('\n'), label).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK);
      for (const secret of [ADMIN_PASSWORD, 'wrong-pw-42', ':pw@']) expect(r.stdout + r.stderr, label).not.toContain(secret);
    }
    // Read-only: the dashboard created no table in the empty database.
    expect(pg.sql(`select to_regclass('finesweep_schema') is null`, 'empty')).toBe('t');
  }, 120_000);
});
