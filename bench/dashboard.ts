// The dashboard in headless Chromium (Debian's, by playwright-core): first contentful paint of a
// sweep's page on a freshly started server (the leaderboard is built on that first request) for
// the 12-trial main job and a 10,000-trial synthetic sweep, and the delay from an `epoch_ended`
// appended to a journal to its point drawn on the open trial page (fs.watch → tail → SSE → fetch →
// vega SVG), and the same delay with the sweep in PostgreSQL (`dashboard --storage`: the store's
// waitForEvents poll → StoreTail → SSE → fetch → vega SVG), on a throwaway cluster.
// Run alone: `npm run build && node dist/bench/dashboard.js [main-job-sweep-dir]`.
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { startDashboard } from '../src/dashboard/server.js';
import type { JournalEvent, JournalEventBody } from '../src/store/events.js';
import { readJournal } from '../src/store/journal.js';
import { readSpecFile } from '../src/store/layout.js';
import { openStore } from '../src/store/open.js';
import type { SweepStore } from '../src/store/sweep-store.js';
import { startPostgres } from '../tests/helpers/postgres.js';
import { writeSyntheticSweep } from './dashboard-fixture.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface PaintFigure {
  trials: number;
  /** first-contentful-paint of the sweep page, ms after navigation start, on a fresh server. */
  firstPaintMs: number;
  /** The same page loaded again (leaderboard cached). */
  warmPaintMs: number;
  /** Until the lazily drawn plots are on the page. */
  chartsMs: number;
}

export interface DashboardBench {
  main?: PaintFigure;
  big: PaintFigure;
  /** epoch_ended appended → point on the page, ms, each run. */
  delaysMs: number[];
  medianDelayMs: number;
  /** The same, the sweep in PostgreSQL (dashboard --storage); absent when not measured. */
  storage?: { delaysMs: number[]; medianDelayMs: number; load: number };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'finesweep-bench-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1320, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function paint(browser: BrowserContext, resultsDir: string, name: string, trials: number): Promise<PaintFigure> {
  const dash = await startDashboard({ dir: resultsDir, host: '127.0.0.1', port: 0 });
  try {
    const page = await browser.newPage();
    const measure = async (): Promise<{ fcp: number; charts: number }> => {
      const t0 = Date.now();
      await page.goto(`${dash.url}sweeps/${name}`, { waitUntil: 'load' });
      // In the page (a string: this project compiles without the DOM types).
      const fcp = (await page.evaluate(`new Promise((res) => {
        const done = () => { const e = performance.getEntriesByName('first-contentful-paint')[0]; if (e) res(e.startTime); return !!e; };
        if (!done()) new PerformanceObserver(() => done()).observe({ type: 'paint', buffered: true });
      })`)) as number;
      await page.locator('#charts figure').first().waitFor({ timeout: 120_000 });
      return { fcp, charts: Date.now() - t0 };
    };
    const cold = await measure();
    const warm = await measure();
    await page.close();
    return { trials, firstPaintMs: cold.fcp, warmPaintMs: warm.fcp, chartsMs: cold.charts };
  } finally {
    await dash.close();
  }
}

/** Append an epoch_ended for `id` after `seq`; resolves once it is durable. */
type Appender = (event: JournalEventBody & { seq: number; time: string }) => Promise<void>;

/** On the open trial page of `id`: each run, an epoch_ended appended → its point drawn, in ms. */
async function delaysOn(browser: BrowserContext, url: string, id: string, lastSeq: number, runs: number, append: Appender): Promise<number[]> {
  const out: number[] = [];
  const page = await browser.newPage();
  await page.goto(`${url}sweeps/delay/trials/${id}`, { waitUntil: 'load' });
  await page.locator('#live-status', { hasText: 'live' }).waitFor();
  let seq = lastSeq;
  for (let i = 0; i < runs; i++) {
    const before = await page.locator('figure.curve svg .mark-symbol path').count();
    const event: JournalEvent = { seq: ++seq, time: new Date().toISOString(), type: 'epoch_ended', trial_id: id, metrics: { epoch: 3 + i, train_loss: 0.3 - 0.01 * i, val_loss: 0.35 - 0.01 * i, seconds: 2 } };
    const t0 = performance.now();
    await append(event);
    // A function, not a string: the page's CSP forbids eval. (No DOM types in this project.)
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('figure.curve svg .mark-symbol path').length > n, before, { polling: 'raf', timeout: 30_000 });
    out.push(performance.now() - t0);
  }
  await page.close();
  return out;
}

/** 100 trials, every 10th left running at epoch 2 of 3. */
const delaySweep = (root: string) => writeSyntheticSweep(root, { name: 'delay', lrs: 5, batches: 2, decays: 10, epochs: 3, runningEvery: 10 });

async function delays(browser: BrowserContext, runs: number): Promise<number[]> {
  const root = await mkdtemp(join(tmpdir(), 'finesweep-bench-delay-'));
  const sweep = await delaySweep(root);
  const dash = await startDashboard({ dir: root, host: '127.0.0.1', port: 0 });
  try {
    return await delaysOn(browser, dash.url, sweep.ids[9], sweep.lastSeq, runs, (event) => appendFile(join(sweep.dir, 'journal.jsonl'), JSON.stringify(event) + '\n'));
  } finally {
    await dash.close();
  }
}

/** The same sweep copied into a throwaway PostgreSQL cluster, shown by `dashboard --storage URL delay`. */
async function storageDelays(browser: BrowserContext, runs: number): Promise<number[]> {
  const root = await mkdtemp(join(tmpdir(), 'finesweep-bench-delay-pg-'));
  const sweep = await delaySweep(root);
  const pg = await startPostgres({ durable: true });
  try {
    const store = await openStore(pg.url(), { sweep: 'delay', create: true, trialFiles: sweep.dir });
    try {
      const spec = (await readSpecFile(sweep.dir))!;
      await store.writeSpec(spec.spec, spec.hash);
      const { events } = await readJournal(join(sweep.dir, 'journal.jsonl'));
      await Promise.all(events.map(({ seq: _s, time: _t, ...body }) => store.append(body as JournalEventBody)));
      const dash = await startDashboard({ dir: '', storage: pg.url(), sweep: 'delay', host: '127.0.0.1', port: 0 });
      try {
        // Straight to the event log (committed, as a worker's append is), without the store's
        // per-trial metrics.jsonl view that a worker also writes: that is not the dashboard's time.
        const log = (store as SweepStore).eventLog;
        return await delaysOn(browser, dash.url, sweep.ids[9], sweep.lastSeq, runs, async ({ seq: _s, time: _t, ...body }) => void (await log.append(body as JournalEventBody)));
      } finally {
        await dash.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await pg.stop();
  }
}

/** The main job's sweep directory: the one given, or a fresh run of sweeps/spam-grid.json. */
function mainJob(dir: string | undefined): string {
  if (dir) return resolve(dir);
  const results = join(tmpdir(), `finesweep-bench-main-${process.pid}`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/finesweep.js'), 'run', join(ROOT, 'sweeps/spam-grid.json'), '--results', results], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`the main job failed (exit ${r.status})`);
  return join(results, 'spam-grid');
}

export async function benchDashboard(opts: { mainDir?: string; runs?: number; storage?: boolean } = {}): Promise<DashboardBench> {
  const browser = await launch();
  try {
    const mainDir = mainJob(opts.mainDir);
    const main = await paint(browser, dirname(mainDir), mainDir.split('/').at(-1)!, 12);
    const bigRoot = await mkdtemp(join(tmpdir(), 'finesweep-bench-big-'));
    await writeSyntheticSweep(bigRoot, { name: 'big', lrs: 25, batches: 4, decays: 100 });
    const big = await paint(browser, bigRoot, 'big', 10_000);
    const d = await delays(browser, opts.runs ?? 7);
    let storage: DashboardBench['storage'];
    if (opts.storage !== false) {
      const load = loadavg()[0];
      const sd = await storageDelays(browser, opts.runs ?? 7);
      storage = { delaysMs: sd, medianDelayMs: median(sd), load };
    }
    return { main, big, delaysMs: d, medianDelayMs: median(d), ...(storage ? { storage } : {}) };
  } finally {
    await browser.close();
  }
}

export function formatDashboard(b: DashboardBench): string {
  const p = (f: PaintFigure) => `${f.trials} trials: first paint ${f.firstPaintMs.toFixed(0)} ms (again ${f.warmPaintMs.toFixed(0)} ms), plots drawn after ${f.chartsMs} ms`;
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  return [
    b.main ? p(b.main) : '',
    p(b.big),
    `epoch_ended → point on the page: median ${b.medianDelayMs.toFixed(0)} ms (${runs(b.delaysMs)})`,
    b.storage ? `epoch_ended → point on the page with --storage (PostgreSQL): median ${b.storage.medianDelayMs.toFixed(0)} ms (${runs(b.storage.delaysMs)}), ${(b.storage.medianDelayMs / b.medianDelayMs).toFixed(2)}× the journal file's; load average ${b.storage.load.toFixed(1)}` : '',
  ].filter(Boolean).join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await benchDashboard({ mainDir: process.argv[2] });
  console.log(formatDashboard(result));
}
