// The dashboard in headless Chromium (Debian's package, driven by playwright-core), against the
// built CLI: a real 3-trial sweep (real fine-tunes of the shipped base model on a slice of the
// spam set) appears and grows on the page without a reload, a trial page opens, markup in names
// runs nothing, and a 10,000-trial sweep pages through its leaderboard. No console errors.
// Screenshots go to test-output/.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSweep } from '../../bench/dashboard-fixture.js';
import { finesweep, workspace, writeSweep, type Cli } from '../e2e/helpers.js';
import { dataReport } from '../report/curves.js';
import { demoSpec, interruptedSweep, stepSweep, writeSweep as writeFixtureSweep } from '../report/sweep-fixture.js';
import { launchChromium, openPage } from '../helpers/chromium.js';

const SCRIPT_NAME = '<script>alert(1)</script>';
const IMG_LABEL = '<img src=x onerror="window.__pwned = 1">';
const IMG_ERROR = '<img src=y onerror="window.__pwned = 2"> out of memory';
const LEAKED = '<script>window.__pwned = 3</script>';

let browser: BrowserContext;
const started: Cli[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir('test-output', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  for (const cli of started) if (cli.child.exitCode === null) cli.child.kill('SIGINT');
  await Promise.all(started.map((c) => c.done));
});

/** `finesweep dashboard <dir> --port 0` in `cwd`; resolves with its URL once it listens. */
async function dashboard(dir: string, cwd: string): Promise<{ cli: Cli; url: string }> {
  const cli = finesweep(['dashboard', dir, '--port', '0'], cwd);
  started.push(cli);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    cli.child.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    void cli.done.then((r) => reject(new Error(`dashboard exited: ${r.stderr}`)));
  });
  return { cli, url };
}

async function stop(cli: Cli): Promise<void> {
  cli.child.kill('SIGINT');
  expect((await cli.done).code).toBe(130);
}

const open = (url: string) => openPage(browser, url);

const points = (page: Page) => page.locator('figure.curve svg .mark-symbol path').count();

describe('the dashboard in a browser', () => {
  it('shows a real sweep as it runs: its row appears, its rows change and a curve gains a point without a reload', async () => {
    const dir = workspace();
    writeSweep(dir, { name: 'live', learning_rate: [1e-3, 3e-3, 1e-2], batch_size: [16], epochs: [3], workers: 1 });
    await mkdir(join(dir, 'results'));
    const { cli, url } = await dashboard('results', dir);
    const { page, problems, dialogs, loads } = await open(url);
    expect(await page.locator('main').innerText()).toContain('No sweep in this directory yet');

    const sweep = finesweep(['run', 'live.json'], dir);
    started.push(sweep);
    // The list page learns of the new sweep through its event stream.
    await page.locator('tr[data-sweep="live"]').waitFor({ timeout: 60_000 });
    expect(loads).toHaveLength(1);
    await page.locator('a[href="/sweeps/live"]').first().click();
    await page.waitForURL(/\/sweeps\/live$/);
    await page.locator('#leaderboard tbody tr').first().waitFor();
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(3);
    const loadsOnSweep = loads.length;

    // A first finished epoch draws a curve; a later one adds points to the same page.
    await page.waitForFunction(() => document.querySelectorAll('figure.curve svg .mark-symbol path').length > 0, null, { timeout: 120_000 });
    const before = await points(page);
    await page.waitForFunction((n) => document.querySelectorAll('figure.curve svg .mark-symbol path').length > n, before, { timeout: 120_000 });
    // ...and a trial's row turns completed.
    await page.locator('#leaderboard span.status.completed').first().waitFor({ timeout: 120_000 });
    expect(loads.length).toBe(loadsOnSweep);
    await page.screenshot({ path: 'test-output/dashboard-live.png', fullPage: true });

    const done = await sweep.done;
    expect(done.code).toBe(0);
    await page.waitForFunction(() => document.querySelectorAll('#leaderboard span.status.completed').length === 3, null, { timeout: 60_000 });
    await page.locator('#summary', { hasText: 'sweep finished' }).waitFor({ timeout: 30_000 });
    expect(loads.length).toBe(loadsOnSweep);
    await page.screenshot({ path: 'test-output/dashboard-sweep.png', fullPage: true });

    // A trial's page: parameters, per-epoch metrics, data report, log.
    const first = page.locator('#leaderboard a.trial').first();
    const id = await first.innerText();
    await first.click();
    await page.waitForURL(new RegExp(`/sweeps/live/trials/${id}$`));
    expect(await page.locator('h1').innerText()).toBe(`Trial ${id}`);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/learning_rate\s+1e-3|learning_rate\s+3e-3|learning_rate\s+1e-2/);
    expect(text).toContain('Evaluations');
    expect(await page.locator('h2:has-text("Evaluations") + .card tbody tr').count()).toBe(3);
    expect(text).toMatch(/\ntrain\t\S*spam\.jsonl\t\d+\t/);
    expect(text).toMatch(/\nvalidation\t\S*spam\.jsonl \(split 0\.2\)\t\d+\t/);
    expect(await page.locator('figure.curve svg .mark-line path').count()).toBe(2);
    await page.screenshot({ path: 'test-output/dashboard-trial.png', fullPage: true });

    // Compare two trials from the leaderboard's checkboxes.
    await page.goto(`${url}sweeps/live`);
    const boxes = page.locator('#leaderboard input[name=trials]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator('form#compare button').click();
    await page.waitForURL(/\/sweeps\/live\/compare\?trials=/);
    expect(await page.locator('h1').innerText()).toBe('Compare 2 trials');
    expect(await page.locator('figure.compare svg .mark-line path').count()).toBe(4);
    await page.screenshot({ path: 'test-output/dashboard-compare.png', fullPage: true });

    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
    await stop(cli);
  }, 480_000);

  it('shows markup from names, labels, errors and data as text, and runs none of it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-dash-xss-'));
    const spec = demoSpec({
      name: 'xss',
      description: `made by ${IMG_LABEL}`,
      parameters: { learning_rate: { values: [1e-5, 1e-4, 3e-4, 1e-3] }, batch_size: { values: [8] }, epochs: { value: 5 }, method: { values: ['full', 'head'] } },
    });
    const bad = interruptedSweep(spec, { name: SCRIPT_NAME, error: IMG_ERROR });
    for (const ev of bad.events) {
      if (ev.type === 'trial_started' && ev.params.method === 'full') ev.params = { ...ev.params, method: IMG_LABEL };
      if (ev.type === 'data_report') ev.report = { ...dataReport(1), leakage: { count: 1, examples: [LEAKED] } };
    }
    await writeFixtureSweep(root, bad);
    const { cli, url } = await dashboard(join(root, 'results'), root);
    const seen: string[] = [];
    const check = async (path: string) => {
      const { page, problems, dialogs } = await open(new URL(path, url).href);
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.locator('[data-lazy]').evaluateAll(() => undefined);
      expect(dialogs, path).toEqual([]);
      expect(problems, path).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), path).toBeUndefined();
      expect(await page.locator('main img, main script, main iframe, main object').count(), path).toBe(0);
      seen.push(await page.locator('body').innerText());
      return page;
    };
    const sweepPage = await check('/sweeps/xss');
    await sweepPage.locator('figure.curve').first().waitFor();
    expect(await sweepPage.title()).toBe(`finesweep: ${SCRIPT_NAME}`);
    expect(await sweepPage.locator('h1').innerText()).toBe(`Sweep ${SCRIPT_NAME}`);
    const ids = await sweepPage.locator('#leaderboard a.trial').allInnerTexts();
    await sweepPage.screenshot({ path: 'test-output/dashboard-escaping.png', fullPage: true });
    await sweepPage.close();
    await (await check('/')).close();
    for (const id of ids.slice(0, 3)) await (await check(`/sweeps/xss/trials/${id}`)).close();
    await (await check(`/sweeps/xss/compare?trials=${ids[0]}&trials=${ids[1]}`)).close();
    const all = seen.join('\n');
    expect(all).toContain(`made by ${IMG_LABEL}`);
    expect(all).toContain(IMG_LABEL);
    expect(all).toContain(IMG_ERROR);
    expect(all).toContain(LEAKED);
    await stop(cli);
  }, 240_000);

  it('draws a step-keyed sweep on steps: the trial page, its evaluations and the compare view', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-dash-steps-'));
    const sweep = stepSweep();
    await writeFixtureSweep(root, sweep);
    const { cli, url } = await dashboard(join(root, 'results'), root);
    const { page: board, problems: boardProblems } = await open(`${url}sweeps/spam-steps`);
    await board.locator('#leaderboard tbody tr').first().waitFor();
    const headers = await board.locator('#leaderboard thead th').allInnerTexts();
    expect(headers.indexOf('best step')).toBe(headers.indexOf('best val_loss') + 1);
    const ids = await board.locator('#leaderboard a.trial').allInnerTexts();
    expect(await board.locator('#leaderboard tbody tr').first().innerText()).toMatch(/\b40\s+0\.67\b/);
    expect(boardProblems).toEqual([]);
    await board.close();

    const { page, problems } = await open(`${url}sweeps/spam-steps/trials/${ids[0]}`);
    const svg = page.locator('figure.curve svg').first();
    await svg.waitFor();
    expect(await svg.locator('text', { hasText: /^step$/ }).count()).toBe(1);
    expect(await svg.locator('.epoch-marks text').allTextContents()).toEqual(['ep 1']);
    expect(await svg.locator('.mark-symbol path title').allTextContents()).toContain('val loss step 40 (epoch 0.67): 0.3');
    const body = await page.locator('body').innerText();
    expect(body).toContain('0.3 at step 40 (epoch 0.67)');
    expect(body).toContain('Evaluations');
    const evalTable = page.locator('h2:has-text("Evaluations") + .card table');
    expect((await evalTable.locator('thead th').allInnerTexts()).slice(0, 2)).toEqual(['step', 'epoch']);
    expect(await evalTable.locator('tbody tr td:first-child').allInnerTexts()).toEqual(['10', '20', '30', '40', '50', '60']);
    await page.screenshot({ path: 'test-output/dashboard-steps-trial.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();

    const { page: cmp, problems: cmpProblems } = await open(`${url}sweeps/spam-steps/compare?trials=${ids[0]}&trials=${ids[1]}`);
    const plot = cmp.locator('figure.compare svg').first();
    await plot.waitFor();
    expect(await plot.locator('text', { hasText: /^step$/ }).count()).toBe(1);
    expect(await plot.locator('.mark-symbol path title').allTextContents()).toContain(`#1 ${ids[0]} val loss step 40 (epoch 0.67): 0.3`);
    expect(cmpProblems).toEqual([]);
    await cmp.close();
    await stop(cli);
  }, 240_000);

  it('pages through a 10,000-trial leaderboard', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-dash-big-'));
    const big = await writeSyntheticSweep(root, { name: 'big', lrs: 25, batches: 4, decays: 100 });
    expect(big.ids).toHaveLength(10_000);
    const { cli, url } = await dashboard(root, root);
    const { page, problems } = await open(`${url}sweeps/big`);
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(50);
    expect(await page.locator('.pager').first().innerText()).toContain('trials 1–50 of 10000 · page 1 of 200');
    const firstPage = await page.locator('#leaderboard a.trial').allInnerTexts();
    await page.locator('.pager').first().getByText('next ›').click();
    await page.waitForURL(/page=2$/);
    expect(await page.locator('.pager').first().innerText()).toContain('trials 51–100 of 10000 · page 2 of 200');
    const secondPage = await page.locator('#leaderboard a.trial').allInnerTexts();
    expect(secondPage).toHaveLength(50);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    await page.locator('.pager').first().getByText('last »').click();
    await page.waitForURL(/page=200$/);
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(50);
    await page.locator('figure.curve').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: 'test-output/dashboard-10000.png' });
    expect(problems).toEqual([]);
    await page.close();
    await stop(cli);
  }, 240_000);
});
