// The HTML report opened in headless Chromium (Debian's package, driven by playwright-core): the
// plots are drawn, nothing logs an error, and names, labels and messages that hold markup show as
// text and run nothing. Leaves a screenshot in test-output/report.png.
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../src/report/render/report.js';
import { foldTrials } from '../../src/store/fold.js';
import { expandTrials } from '../../src/sweep/expand.js';
import { launchChromium, openPage } from '../helpers/chromium.js';
import { dataReport } from './curves.js';
import { demoSpec, interruptedSweep, stepSweep } from './sweep-fixture.js';
import { syntheticEvents, syntheticSpec } from '../../bench/sweep-journal.js';

const SCRIPT_NAME = '<script>alert(1)</script>';
const IMG_LABEL = '<img src=x onerror="window.__pwned = 1">';
const IMG_ERROR = '<img src=y onerror="window.__pwned = 2"> out of memory';
const LEAKED = '<script>window.__pwned = 3</script>';

let browser: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function open(path: string) {
  return openPage(browser, pathToFileURL(path).href);
}

describe('the HTML report in a browser', () => {
  it('draws the leaderboard, learning curves, lr plot and heatmap, and leaves a screenshot', async () => {
    const sweep = interruptedSweep();
    const root = await mkdtemp(join(tmpdir(), 'finesweep-html-'));
    const path = await writeHtmlReport(root, { spec: sweep.spec, state: foldTrials(sweep.events), planned: expandTrials(sweep.spec) });
    expect(path).toBe(join(root, 'report.html'));
    const html = await readFile(path, 'utf8');
    // Self-contained: no script, and no URL it would fetch (the SVG namespace is an identifier).
    expect(html).not.toMatch(/<script/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/(src|href)="?(https?:)?\/\//i);

    const { page, problems, dialogs, requests } = await open(path);
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(path).href]);

    const rows = await page.locator('tbody tr').count();
    expect(rows).toBe(8);
    expect(await page.locator('tbody tr').first().innerText()).toMatch(/^1\s+t002-\w+\s+1e-4\s+8\s+5/);

    const figures = await page.locator('figure svg').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          width: box.width,
          height: box.height,
          // Every chart is written as SVG directly (no vega): the curve, lr and Pareto plots' marks
          // (xy.ts), the trials of the parallel plot (parallel.ts), the points of a slice (scatter.ts).
          lines: svg.querySelectorAll('.mark-line path, g.lines path').length,
          rects: svg.querySelectorAll('.mark-rect rect').length,
          symbols: svg.querySelectorAll('.mark-symbol path, g.points circle').length,
          rules: svg.querySelectorAll('.mark-rule line').length,
          title: svg.querySelector('text.title')?.textContent ?? '',
        };
      }),
    );
    // lr plot + heatmap + parallel coordinates + a slice per parameter (lr, batch, epochs) + one
    // curve chart per trial with epochs (6).
    expect(figures.length).toBe(2 + 1 + 3 + 6);
    for (const f of figures) {
      expect(f.width).toBeGreaterThan(100);
      expect(f.height).toBeGreaterThan(80);
    }
    const [lr, heat, parallel, ...rest] = figures;
    const [slices, curves] = [rest.slice(0, 3), rest.slice(3)];
    expect(parallel.title).toBe('All trials: parameters and objective');
    expect(parallel.lines).toBe(4); // one line per ranked trial
    expect(slices.map((x) => x.title)).toEqual(['val_loss vs learning_rate', 'val_loss vs batch_size', 'val_loss vs epochs']);
    for (const x of slices) expect(x.symbols).toBe(4);
    expect(lr.title).toBe('Best val_loss against learning rate');
    expect(lr.lines).toBe(2); // one line per batch size
    expect(lr.symbols).toBeGreaterThanOrEqual(4);
    expect(heat.title).toMatch(/learning rate × batch size/);
    expect(heat.rects).toBe(4);
    for (const c of curves) expect(c.lines).toBe(2); // train and val
    // The overfit trial (#2) has its overfitting epoch drawn as a red rule with a label.
    const overfit = page.locator('figure', { hasText: 'overfitting from epoch 2' });
    expect(await overfit.count()).toBe(1);
    expect(await overfit.locator('.mark-rule line[stroke="#dc2626"]').count()).toBe(1);

    await mkdir('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/report.png', fullPage: true });
    await page.close();
  });

  it('draws a step-keyed sweep (one epoch, an evaluation every 10 steps) on the step axis, with its epoch marked', async () => {
    const sweep = stepSweep();
    const root = await mkdtemp(join(tmpdir(), 'finesweep-html-steps-'));
    const path = await writeHtmlReport(root, { spec: sweep.spec, state: foldTrials(sweep.events), planned: expandTrials(sweep.spec) });
    const { page, problems } = await open(path);
    expect(problems).toEqual([]);
    const headers = await page.locator('thead th').allInnerTexts();
    expect(headers.indexOf('best step')).toBe(headers.indexOf('best val_loss') + 1);
    expect(headers.indexOf('best epoch')).toBe(headers.indexOf('best step') + 1);
    expect(await page.locator('tbody tr').first().innerText()).toMatch(/\t40\t0\.67\t/);
    const curves = await page.locator('figure svg.curve').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
        const xs = [...svg.querySelectorAll('.mark-symbol path')].map((p) => p.getBoundingClientRect().x);
        const plot = svg.querySelector('.axes rect')!.getBoundingClientRect();
        return {
          title: svg.querySelector('text.title')?.textContent ?? '',
          stepTitle: texts.includes('step'),
          epochTitle: texts.includes('epoch'),
          marks: [...svg.querySelectorAll('.epoch-marks text')].map((t) => t.textContent),
          points: xs.length,
          inside: xs.every((x) => x >= plot.x - 4 && x <= plot.x + plot.width + 4),
        };
      }),
    );
    expect(curves).toHaveLength(4);
    for (const c of curves) {
      expect(c.stepTitle && !c.epochTitle, c.title).toBe(true);
      expect(c.marks).toEqual(['ep 1']);
      expect(c.inside).toBe(true);
    }
    // Batch 8: 60 steps, 6 evaluations of train and val loss; batch 16: 30 steps, 3.
    expect(curves.map((c) => c.points).sort((a, b) => a - b)).toEqual([6, 6, 12, 12]);
    await page.locator('figure', { hasText: 'overfitting from step 40' }).first().waitFor();
    await mkdir('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/report-steps.png', fullPage: true });
    await page.close();
  });

  it('renders a 10,000-trial sweep under 5 MB: sampled plots said so on the page, a cut table, no error', async () => {
    const spec = syntheticSpec(10_000);
    const state = foldTrials(syntheticEvents(10_000, spec));
    const root = await mkdtemp(join(tmpdir(), 'finesweep-html-10k-'));
    const path = await writeHtmlReport(root, { spec, state });
    const html = await readFile(path);
    expect(html.length).toBeLessThan(5 * 1024 * 1024);
    const { page, problems } = await open(path);
    expect(problems).toEqual([]);
    expect(await page.locator('tbody tr').count()).toBe(500);
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/The plots of all trials show 1,000 of the 9,\d{3} ranked trials: the top 100 and an even sample/);
    expect(text).toMatch(/… 9,500 more trials not in this table/);
    expect(text).toMatch(/Parameter importance/);
    // The forest's per-tree sample is capped (importance.ts) and the page says so.
    expect(text).toMatch(/9,\d{3} ranked trials, 16 trees, each grown on a seeded bootstrap sample of 256 of them/);
    const parallel = page.locator('figure', { hasText: 'All trials: parameters and objective' });
    expect(await parallel.locator('g.lines path').count()).toBe(1000);
    const pareto = page.locator('figure', { hasText: 'Pareto front' });
    // Dominated points one per pixel (charts.ts onePerPixel), the front whole: still dozens drawn.
    expect(await pareto.locator('.mark-symbol path').count()).toBeGreaterThan(50);
    expect(text).toMatch(/In the slice and Pareto plots, trials that fall on the same pixel are drawn once \([\d,]+ points left out\)/);
    expect(await page.locator('figure', { hasText: /val_loss vs (learning_rate|batch_size|epochs|weight_decay|dropout|method)$/ }).count()).toBe(6);
    await page.close();
  }, 120_000);

  it('shows markup from the spec, the trials and the data as text, and runs none of it', async () => {
    const spec = demoSpec({
      description: `made by ${IMG_LABEL}`,
      parameters: {
        learning_rate: { values: [1e-5, 1e-4, 3e-4, 1e-3] },
        batch_size: { values: [8] },
        epochs: { value: 5 },
        method: { values: ['full', 'head'] },
      },
    });
    const sweep = interruptedSweep(spec, { name: SCRIPT_NAME, error: IMG_ERROR });
    const state = foldTrials(sweep.events);
    // A label no spec could hold, as a store written by another tool might: it must still be inert.
    const first = [...state.trials.values()][0];
    first.params = { ...first.params, method: IMG_LABEL };
    first.dataReport = { ...dataReport(1), leakage: { count: 1, examples: [LEAKED] } };
    const root = await mkdtemp(join(tmpdir(), 'finesweep-xss-'));
    const path = await writeHtmlReport(root, { spec, state });

    const { page, problems, dialogs } = await open(path);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img, script, iframe, object').count()).toBe(0);
    expect(await page.title()).toBe(`finesweep report: ${SCRIPT_NAME}`);
    expect(await page.locator('h1').innerText()).toBe(`Sweep ${SCRIPT_NAME}`);
    const body = await page.locator('body').innerText();
    expect(body).toContain(`made by ${IMG_LABEL}`);
    expect(body).toContain(IMG_LABEL);
    expect(body).toContain('out of memory');
    expect(body).toContain(IMG_ERROR);
    expect(body).toContain(LEAKED);
    // Inside the SVGs: the label is text in the chart subtitle (cut to the chart's width).
    const svgText = await page.locator('figure svg').evaluateAll((svgs) => svgs.map((s) => s.textContent ?? '').join('\n'));
    expect(svgText).toContain(`method ${IMG_LABEL.slice(0, 12)}`);
    await mkdir('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/report-escaping.png', fullPage: true });
    await page.close();
  });
});
