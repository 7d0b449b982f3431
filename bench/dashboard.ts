// The dashboard in headless Chromium (Debian's, by playwright-core): first contentful paint of a
// sweep's page on a freshly started server (the leaderboard is built on that first request) for
// the 12-trial main job and a 10,000-trial synthetic sweep, and the delay from an `epoch_ended`
// appended to a journal to its point drawn on the open trial page (fs.watch → tail → SSE → fetch →
// vega SVG). Run alone: `npm run build && node dist/bench/dashboard.js [main-job-sweep-dir]`.
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { startDashboard } from '../src/dashboard/server.js';
import type { JournalEvent } from '../src/store/events.js';
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
}

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

async function delays(browser: BrowserContext, runs: number): Promise<number[]> {
  const root = await mkdtemp(join(tmpdir(), 'finesweep-bench-delay-'));
  // 100 trials, every 10th left running at epoch 2 of 3.
  const sweep = await writeSyntheticSweep(root, { name: 'delay', lrs: 5, batches: 2, decays: 10, epochs: 3, runningEvery: 10 });
  const dash = await startDashboard({ dir: root, host: '127.0.0.1', port: 0 });
  const out: number[] = [];
  try {
    const page = await browser.newPage();
    const id = sweep.ids[9];
    await page.goto(`${dash.url}sweeps/delay/trials/${id}`, { waitUntil: 'load' });
    await page.locator('#live-status', { hasText: 'live' }).waitFor();
    let seq = sweep.lastSeq;
    for (let i = 0; i < runs; i++) {
      const before = await page.locator('figure.curve svg .mark-symbol path').count();
      const event: JournalEvent = { seq: ++seq, time: new Date().toISOString(), type: 'epoch_ended', trial_id: id, metrics: { epoch: 3 + i, train_loss: 0.3 - 0.01 * i, val_loss: 0.35 - 0.01 * i, seconds: 2 } };
      const t0 = performance.now();
      await appendFile(join(sweep.dir, 'journal.jsonl'), JSON.stringify(event) + '\n');
      // A function, not a string: the page's CSP forbids eval. (No DOM types in this project.)
      await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('figure.curve svg .mark-symbol path').length > n, before, { polling: 'raf', timeout: 30_000 });
      out.push(performance.now() - t0);
    }
    await page.close();
  } finally {
    await dash.close();
  }
  return out;
}

/** The main job's sweep directory: the one given, or a fresh run of sweeps/spam-grid.json. */
function mainJob(dir: string | undefined): string {
  if (dir) return resolve(dir);
  const results = join(tmpdir(), `finesweep-bench-main-${process.pid}`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/finesweep.js'), 'run', join(ROOT, 'sweeps/spam-grid.json'), '--results', results], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`the main job failed (exit ${r.status})`);
  return join(results, 'spam-grid');
}

export async function benchDashboard(opts: { mainDir?: string; runs?: number } = {}): Promise<DashboardBench> {
  const browser = await launch();
  try {
    const mainDir = mainJob(opts.mainDir);
    const main = await paint(browser, dirname(mainDir), mainDir.split('/').at(-1)!, 12);
    const bigRoot = await mkdtemp(join(tmpdir(), 'finesweep-bench-big-'));
    await writeSyntheticSweep(bigRoot, { name: 'big', lrs: 25, batches: 4, decays: 100 });
    const big = await paint(browser, bigRoot, 'big', 10_000);
    const d = await delays(browser, opts.runs ?? 7);
    const sorted = [...d].sort((a, b) => a - b);
    return { main, big, delaysMs: d, medianDelayMs: sorted[Math.floor(sorted.length / 2)] };
  } finally {
    await browser.close();
  }
}

export function formatDashboard(b: DashboardBench): string {
  const p = (f: PaintFigure) => `${f.trials} trials: first paint ${f.firstPaintMs.toFixed(0)} ms (again ${f.warmPaintMs.toFixed(0)} ms), plots drawn after ${f.chartsMs} ms`;
  return [b.main ? p(b.main) : '', p(b.big), `epoch_ended → point on the page: median ${b.medianDelayMs.toFixed(0)} ms (${b.delaysMs.map((x) => x.toFixed(0)).join(', ')})`].filter(Boolean).join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await benchDashboard({ mainDir: process.argv[2] });
  console.log(formatDashboard(result));
}
