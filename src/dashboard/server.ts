// The dashboard's web server (hono on Node's http server): read-only GET routes over the sweeps of a
// results directory or a database, pages and their live fragments, and server-sent events fed by
// each sweep's live feed (a journal tail, or a store's). Requests name sweeps and trials, never
// files: a name is served only when the listing or the journal has it, everything else is a 404.
import { open, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { InputError, SweepError } from '../errors.js';
import { escapeHtml as esc } from '../report/escape.js';
import type { Leaderboard, LeaderboardRow } from '../report/view/leaderboard.js';
import { errnoOf } from '../store/fs-errors.js';
import { checkTrialId, LOG_FILE, TRIALS_DIR } from '../store/layout.js';
import { schemeOf } from '../store/open.js';
import { CSS, SCRIPT } from './assets.js';
import {
  chartsFragment,
  COMPARE_MAX,
  COMPARE_MIN,
  compareFragment,
  leaderboardFragment,
  live,
  notFoundPage,
  pageCount,
  shell,
  sweepListFragment,
  trialFragment,
  type SweepSummary,
} from './pages.js';
import { StoreCatalog } from './store-catalog.js';
import { SweepCatalog, type Catalog, type LiveSweep } from './sweeps.js';

/** Scripts and styles only from this server, no inline script, no plugin, no frame, no base. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const LOG_TAIL_BYTES = 16 * 1024;
const LOG_TAIL_LINES = 60;
const RESCAN_MS = 2000;
const PING_MS = 15_000;

export const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface DashboardOptions {
  /** The results directory (or one sweep directory); unused with `storage`. */
  dir: string;
  /** A database location (postgresql://…): its sweeps instead of a directory's. */
  storage?: string;
  /** With `storage`: only this sweep. */
  sweep?: string;
  /** With `storage` and `sweep`: that sweep's trial files (for log tails). */
  trialFiles?: string;
  host: string;
  port: number;
}

export interface Dashboard {
  url: string;
  port: number;
  /** What it shows: the directory, or the database with its password redacted. */
  where: string;
  close(): Promise<void>;
}

const enc = encodeURIComponent;

/** The last lines of a trial's log, read from its end (a long log is not read whole). */
async function logTail(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    if (size > length) lines.shift(); // a cut first line
    return lines.slice(-LOG_TAIL_LINES - 1).join('\n').trimEnd();
  } finally {
    await handle.close();
  }
}

function parsePage(value: string | undefined, lb: Leaderboard): number {
  const n = value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : 1;
  return Math.min(Math.max(1, n), pageCount(lb));
}

export function createApp(catalog: Catalog, hub: { version: () => number; subscribe: (fn: () => void) => () => void }): Hono {
  const app = new Hono();
  const chartCache = new Map<string, { seq: number; html: Promise<string> }>();

  app.use('*', async (c, next) => {
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    await next();
  });

  const notFound = (c: Context, what = `no page at ${c.req.path}`) => c.html(notFoundPage(what), 404);
  app.notFound((c) => notFound(c));
  app.onError((err, c) => {
    process.stderr.write(`finesweep dashboard: ${c.req.method} ${c.req.path}: ${err.message}\n`);
    return c.html(shell('error', '<h1>Error</h1><p class="sub">The dashboard could not render this page; see its terminal.</p>'), 500);
  });

  const stream = (c: Context, version: () => number, subscribe: (fn: () => void) => () => void) =>
    streamSSE(c, async (sse) => {
      const send = () => sse.writeSSE({ event: 'journal', data: JSON.stringify({ seq: version() }) }).catch(() => {});
      const off = subscribe(() => void send());
      const ping = setInterval(() => void sse.write(': ping\n\n').catch(() => {}), PING_MS);
      await send();
      await new Promise<void>((resolve) => sse.onAbort(resolve));
      off();
      clearInterval(ping);
    });

  app.get('/assets/dashboard.css', (c) => c.body(CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/assets/dashboard.js', (c) => c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));

  const summaries = async (): Promise<SweepSummary[]> =>
    Promise.all((await catalog.list()).map(async (s) => ({ name: s.name, state: await catalog.state(s), lb: s.leaderboard(), error: s.tail.error })));
  const listFragment = async (): Promise<string> =>
    `${catalog.error ? `<div class="alert">${esc(catalog.error)}</div>` : ''}${sweepListFragment(await summaries(), catalog.emptyHtml)}`;

  app.get('/', async (c) => {
    const body = `<h1>Sweeps</h1><p class="sub">${esc(`Every sweep in ${catalog.where}, live.`)}</p>${live('/fragments/sweeps', await listFragment())}`;
    return c.html(shell('finesweep dashboard', body, [], { events: '/events', seq: hub.version() }));
  });
  app.get('/fragments/sweeps', async (c) => c.html(await listFragment()));
  app.get('/events', (c) => stream(c, hub.version, hub.subscribe));

  /** The sweep a route names, or undefined (then a 404). */
  const sweepOf = (c: Context) => catalog.get(c.req.param('name') ?? '');
  const rowOf = (lb: Leaderboard, id: string | undefined): LeaderboardRow | undefined => (id === undefined ? undefined : lb.rows.find((r) => r.id === id));
  const sweepUrl = (s: LiveSweep) => `/sweeps/${enc(s.name)}`;
  const crumbs = (s: LiveSweep): Array<[string, string | undefined]> => [[s.name, sweepUrl(s)]];
  const events = (s: LiveSweep) => ({ events: `${sweepUrl(s)}/events`, seq: s.state.lastSeq });

  app.get('/sweeps/:name', async (c) => {
    const s = await sweepOf(c);
    if (!s) return notFound(c, 'no such sweep');
    const lb = s.leaderboard();
    const page = parsePage(c.req.query('page'), lb);
    const body = `<h1>Sweep ${esc(lb.name ?? s.name)}</h1>${lb.description ? `<p>${esc(lb.description)}</p>` : ''}
${s.tail.error ? `<div class="alert">${esc(s.tail.error)}</div>` : ''}
<h2>Leaderboard</h2>
${live(`${sweepUrl(s)}/leaderboard?page=${page}`, leaderboardFragment(s.name, lb, page), { id: 'board' })}
${live(`${sweepUrl(s)}/charts`, '<p class="sub">Drawing the plots…</p>', { lazy: true, id: 'charts' })}`;
    return c.html(shell(`finesweep: ${lb.name ?? s.name}`, body, crumbs(s), events(s)));
  });
  app.get('/sweeps/:name/leaderboard', async (c) => {
    const s = await sweepOf(c);
    if (!s) return notFound(c, 'no such sweep');
    const lb = s.leaderboard();
    return c.html(leaderboardFragment(s.name, lb, parsePage(c.req.query('page'), lb)));
  });
  app.get('/sweeps/:name/charts', async (c) => {
    const s = await sweepOf(c);
    if (!s) return notFound(c, 'no such sweep');
    const seq = s.state.lastSeq;
    let cached = chartCache.get(s.name);
    if (!cached || cached.seq !== seq) {
      cached = { seq, html: chartsFragment(s.leaderboard()) };
      chartCache.set(s.name, cached);
    }
    return c.html(await cached.html);
  });
  app.get('/sweeps/:name/events', async (c) => {
    const s = await sweepOf(c);
    if (!s) return notFound(c, 'no such sweep');
    return stream(c, () => s.state.lastSeq, (fn) => s.tail.subscribe(fn));
  });

  const trialDetail = async (s: LiveSweep, lb: Leaderboard, row: LeaderboardRow): Promise<string> => {
    checkTrialId(row.id); // ids from the journal name directories: one safe segment
    return trialFragment(lb, row, s.state.trials.get(row.id), await logTail(join(s.dir, TRIALS_DIR, row.id, LOG_FILE)));
  };
  const trialOf = async (c: Context) => {
    const s = await sweepOf(c);
    if (!s) return undefined;
    const lb = s.leaderboard();
    const row = rowOf(lb, c.req.param('id'));
    if (!row) return undefined;
    try {
      checkTrialId(row.id);
    } catch {
      return undefined;
    }
    return { s, lb, row };
  };
  app.get('/sweeps/:name/trials/:id', async (c) => {
    const t = await trialOf(c);
    if (!t) return notFound(c, 'no such sweep or trial');
    const { s, lb, row } = t;
    const href = `${sweepUrl(s)}/trials/${enc(row.id)}`;
    const body = `<h1>Trial ${esc(row.id)}</h1><p class="sub">${esc(`sweep ${s.name} · ${lb.objective.metric} (${lb.objective.goal})`)}</p>
${live(`${href}/detail`, await trialDetail(s, lb, row), { id: 'trial' })}`;
    return c.html(shell(`finesweep: ${row.id}`, body, [...crumbs(s), [row.id, undefined]], events(s)));
  });
  app.get('/sweeps/:name/trials/:id/detail', async (c) => {
    const t = await trialOf(c);
    if (!t) return notFound(c, 'no such sweep or trial');
    return c.html(await trialDetail(t.s, t.lb, t.row));
  });

  /** 2–4 distinct trials of the sweep from ?trials=a&trials=b (or a,b). */
  type Compared = { error: 400 | 404; message: string; s?: LiveSweep } | { s: LiveSweep; lb: Leaderboard; rows: LeaderboardRow[]; ids: string[] };
  const compareOf = async (c: Context): Promise<Compared> => {
    const s = await sweepOf(c);
    if (!s) return { error: 404, message: 'no such sweep' };
    const ids = [...new Set((c.req.queries('trials') ?? []).flatMap((v) => v.split(',')).filter(Boolean))];
    if (ids.length < COMPARE_MIN || ids.length > COMPARE_MAX) return { error: 400, message: `select ${COMPARE_MIN} to ${COMPARE_MAX} trials to compare (got ${ids.length})`, s };
    const lb = s.leaderboard();
    const rows = ids.map((id) => rowOf(lb, id));
    if (rows.some((r) => !r)) return { error: 404, message: 'no such trial in this sweep' };
    return { s, lb, rows: rows as LeaderboardRow[], ids };
  };
  app.get('/sweeps/:name/compare', async (c) => {
    const r = await compareOf(c);
    if ('error' in r) return c.html(shell('compare', `<h1>Compare trials</h1><p class="sub">${esc(r.message)}</p>${r.s ? `<p><a href="${esc(sweepUrl(r.s))}">back to the sweep</a></p>` : ''}`), r.error);
    const query = r.ids.map((id) => `trials=${enc(id)}`).join('&');
    const body = `<h1>Compare ${r.rows.length} trials</h1>${live(`${sweepUrl(r.s)}/compare/plot?${query}`, await compareFragment(r.lb, r.rows), { id: 'compare-view' })}`;
    return c.html(shell(`finesweep: compare`, body, [...crumbs(r.s), ['compare', undefined]], events(r.s)));
  });
  app.get('/sweeps/:name/compare/plot', async (c) => {
    const r = await compareOf(c);
    if ('error' in r) return c.html(`<p class="sub">${esc(r.message)}</p>`, r.error);
    return c.html(await compareFragment(r.lb, r.rows));
  });
  return app;
}

/** Starts the server; resolves once it listens. A busy port or a bad host is a typed error. */
/** The sweeps of a database with `storage` (a URL), else of the directory. */
async function openCatalog(opts: DashboardOptions): Promise<Catalog> {
  if (opts.storage !== undefined) {
    const scheme = schemeOf(opts.storage);
    if (scheme === 'postgresql' || scheme === 'postgres') return StoreCatalog.open(opts.storage, { sweep: opts.sweep, trialFiles: opts.trialFiles });
    if (scheme !== 'file') throw new InputError(`--storage: unknown scheme ${JSON.stringify(scheme + '://')} (expected a directory or postgresql://user@host:port/database)`);
    opts = { ...opts, dir: opts.storage.replace(/^file:\/\//, '') };
  }
  const info = await stat(opts.dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new InputError(`not a directory: ${opts.dir} (expected a results directory, e.g. results/)`);
  return new SweepCatalog(opts.dir);
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const catalog = await openCatalog(opts);
  let version = 0;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    version++;
    for (const fn of listeners) fn();
  };
  catalog.subscribe(changed);
  const hub = {
    version: () => version,
    subscribe: (fn: () => void) => {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
  try {
    await catalog.list(); // read every journal once before the first request
    return await listen(opts, createApp(catalog, hub), catalog, changed);
  } catch (err) {
    await catalog.stop();
    throw err;
  }
}

async function listen(opts: DashboardOptions, app: Hono, catalog: Catalog, changed: () => void): Promise<Dashboard> {
  if (LOOPBACK.has(opts.host)) {
    // DNS rebinding: a page from elsewhere that resolves its own name to 127.0.0.1 gets nothing.
    const allowed = (host: string | undefined): boolean => !!host && /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
    const inner = app.fetch;
    app.fetch = (req, ...rest) => (allowed(req.headers.get('host') ?? undefined) ? inner(req, ...rest) : new Response('forbidden host', { status: 403 }));
  }
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      const code = errnoOf(err);
      if (code === 'EADDRINUSE') reject(new SweepError(`cannot listen on ${opts.host}:${opts.port}: the port is in use (another dashboard?); choose another with --port`));
      else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') reject(new InputError(`--host: ${opts.host} is not an address of this machine`));
      else if (code === 'EACCES') reject(new InputError(`--port: not allowed to listen on port ${opts.port} (ports below 1024 need privileges)`));
      else reject(new SweepError(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`));
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const rescan = setInterval(() => {
    void catalog.rescan().then((yes) => yes && changed(), () => {});
  }, RESCAN_MS);
  rescan.unref();
  const port = (server.address() as AddressInfo).port;
  const shown = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    where: catalog.where,
    close: async () => {
      clearInterval(rescan);
      await catalog.stop();
      const http = server as unknown as import('node:http').Server;
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
