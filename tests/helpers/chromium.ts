// Headless Chromium for the browser tests (Debian's package, driven by playwright-core), and a page
// that records what must not happen: console errors and warnings, page errors, dialogs, main-frame
// loads (a live update must not reload the page) and requests (a self-contained report makes none).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** A fresh profile each call (playwright passes it as --user-data-dir). */
export function launchChromium(): Promise<BrowserContext> {
  return mkdtemp(join(tmpdir(), 'finesweep-chromium-')).then((profile) =>
    chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1320, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
  );
}

export async function openPage(browser: BrowserContext, url: string): Promise<{ page: Page; problems: string[]; dialogs: string[]; loads: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  const loads: string[] = [];
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) loads.push(f.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems, dialogs, loads, requests };
}
