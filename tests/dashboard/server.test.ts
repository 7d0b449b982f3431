// The dashboard's server over real sweep directories: pages and fragments built from the journal,
// read-only, no request reaching a file by its path, every text escaped, a CSP, live updates by
// server-sent events from a tail that reads only the bytes appended, and the CLI's one-line errors.
import { appendFile, mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP, startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { JournalTail } from '../../src/dashboard/tail.js';
import type { JournalEvent } from '../../src/store/events.js';
import { finesweep, run, STACK } from '../e2e/helpers.js';
import { dataReport } from '../report/curves.js';
import { demoSpec, interruptedSweep, writeSweep } from '../report/sweep-fixture.js';

// The report's XSS payloads (tests/report/html.test.ts).
const SCRIPT_NAME = '<script>alert(1)</script>';
const IMG_LABEL = '<img src=x onerror="window.__pwned = 1">';
const IMG_ERROR = '<img src=y onerror="window.__pwned = 2"> out of memory';
const LEAKED = '<script>window.__pwned = 3</script>';

let root: string;
let results: string;
let grid: ReturnType<typeof interruptedSweep>;
let dash: Dashboard;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'finesweep-dash-'));
  grid = interruptedSweep();
  await writeSweep(root, grid);
  const xss = demoSpec({
    name: 'xss',
    description: `made by ${IMG_LABEL}`,
    parameters: { learning_rate: { values: [1e-5, 1e-4, 3e-4, 1e-3] }, batch_size: { values: [8] }, epochs: { value: 5 }, method: { values: ['full', 'head'] } },
  });
  const bad = interruptedSweep(xss, { name: SCRIPT_NAME, error: IMG_ERROR });
  // A label and a leaked example no spec could hold, as a store written by another tool might.
  for (const ev of bad.events) {
    if (ev.type === 'trial_started' && ev.params.method === 'full') ev.params = { ...ev.params, method: IMG_LABEL };
    if (ev.type === 'data_report') ev.report = { ...dataReport(1), leakage: { count: 1, examples: [LEAKED] } };
  }
  await writeSweep(root, bad);
  results = join(root, 'results');
  await mkdir(join(results, 'not-a-sweep'));
  dash = await startDashboard({ dir: results, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await dash?.close();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, dash.url), init);

/** A request with its path sent byte for byte (fetch would normalise `//` or `..`). */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dash.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard server', () => {
  it('lists the sweeps of the results directory with their state and best objective', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<a href="/sweeps/spam-grid">spam-grid</a>');
    expect(html).toContain('<a href="/sweeps/xss">xss</a>');
    expect(html).not.toContain('not-a-sweep');
    expect(html).toMatch(/data-sweep="spam-grid".*class="status interrupted">interrupted</);
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // only the page script, by src
  });

  it("serves one sweep's leaderboard with flags and recommendations, links to its trials, and its plots", async () => {
    const html = await (await get('/sweeps/spam-grid')).text();
    expect(html.match(/<tr class="[^"]*" data-trial=/g)).toHaveLength(8);
    expect(html).toContain(`href="/sweeps/spam-grid/trials/${grid.ids.completed[0]}"`);
    expect(html).toContain('<span class="flag overfitting"');
    expect(html).toContain('Flags and recommendations');
    expect(html).toContain('data-src="/sweeps/spam-grid/charts" data-lazy="1"');
    expect(html).toContain('data-events="/sweeps/spam-grid/events"');
    const charts = await (await get('/sweeps/spam-grid/charts')).text();
    expect(charts.match(/<figure class="card curve"><svg/g)).toHaveLength(6);
    expect(charts).toContain('plot-lr');
    expect(charts).toContain('plot-heatmap');
  });

  it("serves a trial's parameters, per-epoch metrics, data report and log tail; and a compare view of 2-4 trials", async () => {
    const id = grid.ids.completed[0];
    const html = await (await get(`/sweeps/spam-grid/trials/${id}`)).text();
    expect(html).toContain(`<h1>Trial ${id}</h1>`);
    expect(html).toContain('Per-epoch metrics');
    expect(html).toContain('<td class="">validation</td>');
    expect(html).toContain('<figure class="card curve"><svg');
    const [a, b, c, d, e] = grid.ids.completed.concat(grid.ids.running);
    const cmp = await get(`/sweeps/spam-grid/compare?trials=${a}&trials=${b}&trials=${c}`);
    expect(cmp.status).toBe(200);
    expect(await cmp.text()).toContain('Learning curves of 3 trials');
    expect((await get(`/sweeps/spam-grid/compare?trials=${a}`)).status).toBe(400);
    expect((await get(`/sweeps/spam-grid/compare?trials=${[a, b, c, d, e].join(',')}`)).status).toBe(400);
    expect((await get(`/sweeps/spam-grid/compare?trials=${a}&trials=nope`)).status).toBe(404);
  });

  it('answers 404 to every request that names a file path, absolute or with ..%2f', async () => {
    const paths = [
      '/etc/passwd',
      '//etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/sweeps/..%2f..%2f..%2fetc',
      '/sweeps/%2Fetc%2Fpasswd',
      '/sweeps/spam-grid%2f..%2f..%2fxss',
      '/sweeps/spam-grid/trials/..%2fspec.resolved.json',
      '/sweeps/spam-grid/trials/..%2f..%2f..%2fetc%2fpasswd/detail',
      '/sweeps/spam-grid/journal.jsonl',
      '/sweeps/spam-grid/spec.resolved.json',
      '/sweeps/not-a-sweep',
      `/sweeps/${encodeURIComponent(results)}`,
      '/assets/..%2f..%2fpackage.json',
      '/results/spam-grid/journal.jsonl',
      '/sweeps/../../../etc/passwd',
      '/sweeps/spam-grid/trials/../../../../etc/passwd',
    ];
    for (const path of paths) {
      const { status, body } = await raw(path);
      expect(status, path).toBe(404);
      expect(body).not.toContain('root:');
      expect(body).not.toContain('"spec_hash"');
    }
  });

  it('is read-only and refuses a Host header from elsewhere (DNS rebinding)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect((await get('/sweeps/spam-grid', { method })).status).toBe(404);
    expect((await raw('/', { host: 'evil.example:80' })).status).toBe(403);
    expect((await raw('/', { host: `localhost:${dash.port}` })).status).toBe(200);
  });

  it('escapes names, labels, descriptions and errors on every page', async () => {
    const pages = ['/', '/sweeps/xss', '/sweeps/xss/charts'];
    const lb = await (await get('/sweeps/xss')).text();
    const ids = [...lb.matchAll(/data-trial="([^"]+)"/g)].map((m) => m[1]);
    pages.push(...ids.map((id) => `/sweeps/xss/trials/${id}`), `/sweeps/xss/compare?trials=${ids[0]}&trials=${ids[1]}`);
    let seen = '';
    for (const path of pages) {
      const html = await (await get(path)).text();
      // Markup starts with '<': none of it gets through (a quote inside text is text).
      for (const raw of [SCRIPT_NAME, IMG_LABEL, IMG_ERROR, LEAKED, '<img', '<script>alert', '<script>window']) expect(html, path).not.toContain(raw);
      seen += html;
    }
    expect(seen).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(seen).toContain('made by &lt;img src=x onerror=&quot;window.__pwned = 1&quot;&gt;');
    expect(seen).toContain('&lt;img src=y onerror=&quot;window.__pwned = 2&quot;&gt; out of memory');
  });

  it('pushes a server-sent event when the journal grows, with the new position', async () => {
    const res = await get('/sweeps/spam-grid/events');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const next = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(value);
      }
    };
    const last = grid.events.at(-1)!;
    expect((await next(/event: journal\ndata: (\{.*\})\n\n/))[1]).toBe(JSON.stringify({ seq: last.seq }));
    text = '';
    const event: JournalEvent = { type: 'epoch_ended', trial_id: grid.ids.running, metrics: { epoch: 3, train_loss: 0.1, val_loss: 0.3, seconds: 4 }, seq: last.seq + 1, time: new Date().toISOString() };
    await appendFile(join(results, 'spam-grid', 'journal.jsonl'), JSON.stringify(event) + '\n');
    expect((await next(/event: journal\ndata: (\{.*\})\n\n/))[1]).toBe(JSON.stringify({ seq: last.seq + 1 }));
    await reader.cancel();
    const trial = await (await get(`/sweeps/spam-grid/trials/${grid.ids.running}/detail`)).text();
    expect(trial).toMatch(/<td class="">3<\/td>/);
  });
});

describe('the journal tail', () => {
  it('reads the journal once, then only the bytes appended; a half-written line waits for its newline', async () => {
    const dir = await writeSweep(await mkdtemp(join(tmpdir(), 'finesweep-tail-')), interruptedSweep());
    const path = join(dir, 'journal.jsonl');
    const tail = new JournalTail(dir);
    expect(await tail.poll()).toBe(true);
    const size = (await stat(path)).size;
    expect(tail.bytesRead).toBe(size);
    const before = tail.state.lastSeq;
    const line = JSON.stringify({ seq: before + 1, time: new Date().toISOString(), type: 'trial_stopped', trial_id: [...tail.state.trials.keys()][0], epoch: 1, reason: 'x' });
    await appendFile(path, line.slice(0, 20));
    expect(await tail.poll()).toBe(false);
    await appendFile(path, line.slice(20) + '\n');
    expect(await tail.poll()).toBe(true);
    expect(tail.state.lastSeq).toBe(before + 1);
    // 20 bytes were read twice (the torn piece, then with the rest): never the whole journal again.
    expect(tail.bytesRead).toBe(size + 20 + line.length + 1);
    expect(await tail.poll()).toBe(false);
    expect(tail.bytesRead).toBe(size + 20 + line.length + 1);
    expect(await readFile(path, 'utf8')).toContain(line);
  });
});

describe('finesweep dashboard (the CLI)', () => {
  it('fails with one line on a busy port (exit 1) and on a bad flag or directory (exit 2)', async () => {
    const busy = await run(['dashboard', results, '--port', String(dash.port)], root);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`finesweep: cannot listen on 127.0.0.1:${dash.port}: the port is in use (another dashboard?); choose another with --port\n`);
    const port = await run(['dashboard', results, '--port', 'eighty'], root);
    expect(port.code).toBe(2);
    expect(port.stderr).toBe('finesweep: --port: expected a port number from 0 to 65535, got "eighty"\n');
    const missing = await run(['dashboard', join(root, 'nope')], root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^finesweep: not a directory: .*nope \(expected a results directory, e\.g\. results\/\)\n$/);
    for (const r of [busy, port, missing]) expect(r.stderr).not.toMatch(STACK);
  });

  it('binds 127.0.0.1 by default, another host only with --host and a warning; Ctrl-C stops it', async () => {
    const waitLine = async (cli: ReturnType<typeof finesweep>, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string> => {
      let text = '';
      return new Promise((resolve, reject) => {
        cli.child[stream]!.on('data', (d) => {
          text += d;
          const m = text.match(pattern);
          if (m) resolve(m[0]);
        });
        void cli.done.then((r) => reject(new Error(`exited: ${r.stderr}`)));
      });
    };
    const local = finesweep(['dashboard', results, '--port', '0'], root);
    const line = await waitLine(local, 'stdout', /dashboard: http:\/\/127\.0\.0\.1:(\d+)\/ .*\n/);
    expect(line).toMatch(/read-only; Ctrl-C to stop/);
    local.child.kill('SIGINT');
    const r1 = await local.done;
    expect(r1.code).toBe(130);
    expect(r1.stderr).toBe('finesweep: dashboard stopped (SIGINT)\n');

    const open = finesweep(['dashboard', results, '--port', '0', '--host', '0.0.0.0'], root);
    const warning = await waitLine(open, 'stderr', /warning: .*\n/);
    expect(warning).toMatch(/^warning: the dashboard listens on 0\.0\.0\.0, reachable from other machines, with no authentication/);
    await waitLine(open, 'stdout', /dashboard: http:\/\/0\.0\.0\.0:\d+\//);
    open.child.kill('SIGTERM');
    expect((await open.done).code).toBe(143);
  });
});
