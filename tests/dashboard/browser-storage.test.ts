// The dashboard over a real PostgreSQL server in headless Chromium, as users run it (the built
// CLI, real processes): `finesweep dashboard --storage URL` is open on an empty database; a sweep
// created there with `finesweep run --storage … --no-work` appears on the list, and as a
// `finesweep worker` process works on it, its rows turn completed and a curve gains points, all
// without a reload. The password is in no page and no output of the dashboard. No console errors.
import { mkdir } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finesweep, run, type Cli } from '../e2e/helpers.js';
import { ADMIN_PASSWORD, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { writeSpec } from '../sweep/sweep-helpers.js';
import { launchChromium, openPage } from '../helpers/chromium.js';

const NOOP = resolve(import.meta.dirname, '../../dist/bench/trainers/noop.js');

let pg: PgCluster;
let browser: BrowserContext;
const started: Cli[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  browser = await launchChromium();
  await mkdir('test-output', { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const cli of started) if (cli.child.exitCode === null) cli.child.kill('SIGINT');
  await Promise.all(started.map((c) => c.done));
  await pg?.stop();
});

const points = (page: Page) => page.locator('figure.curve svg .mark-symbol path').count();

describe('the dashboard on PostgreSQL in a browser', () => {
  it('shows a sweep created by run --no-work and worked by a worker process, live, without the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-dash-pg-browser-'));
    const dash = finesweep(['dashboard', '--storage', pg.url(), '--port', '0'], dir);
    started.push(dash);
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      dash.child.stdout!.on('data', (d) => {
        out += d;
        const m = out.match(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) res(m[1]);
      });
      void dash.done.then((r) => rej(new Error(`dashboard exited: ${r.stderr}`)));
    });
    const { page, problems, dialogs, loads } = await openPage(browser, url);
    expect(await page.locator('main').innerText()).toContain('No sweep in this database yet');

    writeSpec(dir, { name: 'pg-browser', epochs: 4, learningRates: [1e-4, 1e-3], batchSizes: [8, 16], extra: { pause_ms: { value: 400 } }, resources: { workers: 1 } });
    const created = await run(['run', '--storage', pg.url(), 'pg-browser.json', '--no-work', '--trainer', NOOP], dir);
    expect(created.code, created.stderr).toBe(0);
    // The list learns of the new sweep by itself.
    await page.locator('tr[data-sweep="pg-browser"]').waitFor({ timeout: 60_000 });
    await page.locator('tr[data-sweep="pg-browser"] .status', { hasText: 'not started' }).waitFor({ timeout: 30_000 });
    expect(loads).toHaveLength(1);

    await page.locator('a[href="/sweeps/pg-browser"]').first().click();
    await page.waitForURL(/\/sweeps\/pg-browser$/);
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(4);
    const loadsOnSweep = loads.length;

    const worker = finesweep(['worker', '--storage', pg.url(), '--sweep', 'pg-browser', '--workers', '1', '--trainer', NOOP, '--trial-files', join(dir, 'results', 'pg-browser')], dir);
    started.push(worker);
    // A first finished epoch draws a curve; later ones add points to the same page.
    await page.waitForFunction(() => document.querySelectorAll('figure.curve svg .mark-symbol path').length > 0, null, { timeout: 120_000 });
    const before = await points(page);
    await page.waitForFunction((n) => document.querySelectorAll('figure.curve svg .mark-symbol path').length > n, before, { timeout: 120_000 });
    await page.locator('#leaderboard span.status.completed').first().waitFor({ timeout: 120_000 });
    expect(loads.length).toBe(loadsOnSweep);
    await page.screenshot({ path: 'test-output/dashboard-pg-live.png', fullPage: true });

    const end = await worker.done;
    expect(end.code, end.stderr).toBe(0);
    await page.waitForFunction(() => document.querySelectorAll('#leaderboard span.status.completed').length === 4, null, { timeout: 60_000 });
    await page.locator('#summary', { hasText: 'sweep finished' }).waitFor({ timeout: 30_000 });
    expect(loads.length).toBe(loadsOnSweep);
    expect(await page.content()).not.toContain(ADMIN_PASSWORD);
    await page.screenshot({ path: 'test-output/dashboard-pg-sweep.png', fullPage: true });

    await page.goto(url);
    await page.locator('tr[data-sweep="pg-browser"] .status', { hasText: 'finished' }).waitFor();
    expect(await page.content()).not.toContain(ADMIN_PASSWORD);
    expect(await page.locator('main').innerText()).toContain('postgresql://finesweep_admin:***@');
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();

    dash.child.kill('SIGINT');
    const stopped = await dash.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout + stopped.stderr).not.toContain(ADMIN_PASSWORD);
  }, 300_000);
});
