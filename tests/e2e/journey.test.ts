// One user's journey through the compiled CLI (`npm run build` first), on real files: validate a
// spec, plan it, run it (real fine-tunes of the shipped base model on a slice of the shipped spam
// set), report it in every format; then what the finished sweep directory refuses.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { journal, ofType, run, snapshot, STACK, workspace, writeSweep } from './helpers.js';

let dir: string;
let spec: Record<string, unknown>;
let sweepDir: string;
/** The trial ids of `plan --json`, in plan order. */
let planned: string[] = [];

beforeAll(() => {
  dir = workspace();
  // 2 learning rates × 1 batch size × 2 epoch counts = 4 trials.
  spec = writeSweep(dir, { name: 'journey', learning_rate: [1e-3, 3e-3], batch_size: [16], epochs: [1, 2] });
  sweepDir = join(dir, 'results', 'journey');
});

/** The trial ids of a leaderboard table's rows, in rank order, with their rank. */
function tableRows(text: string): Array<{ rank: number; id: string }> {
  return [...text.matchAll(/^│\s+(\d+) │ (t\d{3}-[0-9a-f]{8}) /gm)].map((m) => ({ rank: Number(m[1]), id: m[2] }));
}

describe('a new sweep, from validate to report', () => {
  it('validate says ok with a summary and exits 0', async () => {
    const r = await run(['validate', 'journey.json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('ok: journey.json');
    expect(r.stdout).toMatch(/\n {2}name {6}journey\n/);
    expect(r.stdout).toMatch(/\n {2}trials {4}4\n/);
    expect(r.stdout).toMatch(/\n {2}objective maximize val_accuracy\n/);
  });

  it('plan prints a table of the product of the value counts, and --json the same trials', async () => {
    const table = await run(['plan', 'journey.json'], dir);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n').filter((l) => /^│ \d+ /.test(l));
    expect(rows).toHaveLength(2 * 1 * 2);
    expect(table.stdout).toContain('\n4 trials (grid)\n');

    const json = await run(['plan', 'journey.json', '--json'], dir);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { count: number; trials: Array<{ id: string; params: Record<string, number> }> };
    expect(plan.count).toBe(4);
    planned = plan.trials.map((t) => t.id);
    expect(new Set(planned).size).toBe(4);
    for (const id of planned) expect(table.stdout).toContain(id);
    expect(plan.trials.map((t) => [t.params.learning_rate, t.params.epochs])).toEqual([[1e-3, 1], [1e-3, 2], [3e-3, 1], [3e-3, 2]]);
  });

  it('run trains every trial once and ends stdout with the ranked leaderboard', async () => {
    expect(planned).toHaveLength(4);
    const r = await run(['run', 'journey.json'], dir);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    // Progress goes to stderr; stdout is only the leaderboard, so it can be piped.
    expect(r.stderr).toContain(`running sweep journey: 4 trials, 2 CPU slots, in ${sweepDir}`);
    expect(r.stdout).toMatch(/^Sweep journey — val_accuracy \(maximize\) · 4 trials: 4 completed · sweep finished\n/);
    expect(r.stdout).not.toContain('started:');
    const ranked = tableRows(r.stdout);
    expect(ranked.map((row) => row.rank)).toEqual([1, 2, 3, 4]);
    expect(new Set(ranked.map((row) => row.id))).toEqual(new Set(planned));
    // The table closes the leaderboard; only its advice and note lines, the parameter importance and
    // the two-line next-sweep summary follow it, then the HTML report's path.
    const after = r.stdout.slice(r.stdout.lastIndexOf('┘') + 1).trim().split('\n');
    expect(after.at(-1)).toBe(`HTML report: ${join('results', 'journey', 'report.html')}`);
    for (const line of after.slice(0, -1)) expect(line).toMatch(/^(note: |[a-z ]+ \(t\d{3}-|parameter importance: |  \S|next sweep: )/);
    expect(after.at(-3)).toMatch(/^next sweep: /);
    expect(after.at(-2)).toMatch(/^ {2}finesweep suggest \S+ --out next\.yaml writes it, with the reason for each change$/);
    expect(readFileSync(join(sweepDir, 'report.html'), 'utf8')).toContain('<svg');

    const events = journal(sweepDir);
    const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed.sort()).toEqual([...planned].sort());
    expect(ofType(events, 'sweep_completed')).toHaveLength(1);
    // Each trial recorded one epoch_ended per epoch of its plan (1 or 2).
    expect(ofType(events, 'epoch_ended')).toHaveLength(1 + 2 + 1 + 2);
  });

  it('leaves the documented sweep directory layout', () => {
    const resolved = JSON.parse(readFileSync(join(sweepDir, 'spec.resolved.json'), 'utf8')) as { hash: string; spec: { name: string } };
    expect(resolved.spec.name).toBe('journey');
    expect(resolved.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(sweepDir, 'journal.jsonl'))).toBe(true);
    expect(existsSync(join(sweepDir, 'lock.json'))).toBe(false);
    expect(readdirSync(join(sweepDir, 'trials')).sort()).toEqual([...planned].sort());
    const epochsOf = new Map(planned.map((id, i) => [id, i % 2 === 0 ? 1 : 2]));
    for (const id of planned) {
      const trial = join(sweepDir, 'trials', id);
      // Finished: the retention default (keep best) removed its resume checkpoint, kept its best weights.
      expect(existsSync(join(trial, 'checkpoint'))).toBe(false);
      expect(statSync(join(trial, 'weights', 'best.fsw')).isFile()).toBe(true);
      const metrics = readFileSync(join(trial, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number });
      expect(metrics.map((m) => m.epoch)).toEqual(epochsOf.get(id) === 1 ? [1] : [1, 2]);
      expect(readFileSync(join(trial, 'log.txt'), 'utf8')).toMatch(/^backend /);
    }
  });

  it('report writes every format to --out, and each file reads back', async () => {
    const table = await run(['report', sweepDir], dir);
    expect(table.code).toBe(0);
    expect(tableRows(table.stdout).map((r) => r.rank)).toEqual([1, 2, 3, 4]);

    const out = (ext: string) => join(dir, `leaderboard.${ext}`);
    for (const [format, ext] of [['table', 'txt'], ['md', 'md'], ['csv', 'csv'], ['json', 'json'], ['html', 'html']]) {
      const r = await run(['report', sweepDir, '--format', format, '--out', out(ext)], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`wrote ${out(ext)}\n`);
    }
    expect(tableRows(readFileSync(out('txt'), 'utf8'))).toEqual(tableRows(table.stdout));

    const json = JSON.parse(readFileSync(out('json'), 'utf8')) as { name: string; rows: Array<{ rank: number; id: string; status: string; best: { value: number } }> };
    expect(json.name).toBe('journey');
    expect(json.rows.map((r) => ({ rank: r.rank, id: r.id }))).toEqual(tableRows(table.stdout));
    expect(json.rows.every((r) => r.status === 'completed')).toBe(true);
    const best = json.rows.map((r) => r.best.value);
    expect(best).toEqual([...best].sort((a, b) => b - a));

    const csv = parseCsv(readFileSync(out('csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(csv).toHaveLength(4);
    expect(csv.map((r) => r.trial)).toEqual(json.rows.map((r) => r.id));

    const md = readFileSync(out('md'), 'utf8');
    expect(md).toMatch(/^## Sweep journey\n/);
    expect(md.split('\n').filter((l) => /^\| \d+ \| t\d{3}-/.test(l))).toHaveLength(4);

    const html = readFileSync(out('html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    for (const id of planned) expect(html).toContain(id);
  });

  it('report --top 1 keeps the best trial only', async () => {
    const table = await run(['report', sweepDir, '--top', '1'], dir);
    expect(table.code).toBe(0);
    const rows = tableRows(table.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0].rank).toBe(1);
    const json = JSON.parse((await run(['report', sweepDir, '--format', 'json', '--top', '1'], dir)).stdout) as { rows: Array<{ id: string }>; hidden: number };
    expect(json.rows.map((r) => r.id)).toEqual([rows[0].id]);
    expect(json.hidden).toBe(3);
  });

  it('resume of the finished sweep trains nothing again and prints the same leaderboard', async () => {
    const before = journal(sweepDir).length;
    const r = await run(['resume', sweepDir], dir);
    expect(r.code).toBe(0);
    expect(ofType(journal(sweepDir).slice(before), 'trial_started')).toHaveLength(0);
    expect(tableRows(r.stdout)).toEqual(tableRows((await run(['report', sweepDir], dir)).stdout));
  });

  it('run again, with the spec unchanged or edited, is refused (exit 2) and changes nothing on disk', async () => {
    const before = snapshot(sweepDir);
    const again = await run(['run', 'journey.json'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`finesweep: ${sweepDir} already holds this sweep; continue it with: finesweep resume ${sweepDir}\n`);

    const edited = { ...spec, parameters: { ...(spec.parameters as object), learning_rate: { values: [1e-3, 1e-2] } } };
    writeFileSync(join(dir, 'journey.json'), JSON.stringify(edited, null, 2));
    const changed = await run(['run', 'journey.json'], dir);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^finesweep: spec changed since the sweep started \(hash [0-9a-f]{64} ≠ [0-9a-f]{64}\); resume \S+\/results\/journey with its original spec, or give the changed sweep a new name\n$/);
    expect(snapshot(sweepDir)).toEqual(before);
    writeFileSync(join(dir, 'journey.json'), JSON.stringify(spec, null, 2) + '\n');
  });

  it('a sweep directory locked by a live controller is a failure of the sweep (exit 1) naming the holder', async () => {
    // This test process is alive on this host: its pid makes a lock that is not stale.
    const lock = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeFileSync(join(sweepDir, 'lock.json'), JSON.stringify(lock) + '\n');
    const before = snapshot(sweepDir);
    const r = await run(['resume', sweepDir], dir);
    expect(r.code).toBe(1);
    // The lock is a lease: a holder is alive while its heartbeat is fresh, and the message says how fresh.
    expect(r.stderr.startsWith(`finesweep: sweep directory ${sweepDir} is locked by pid ${process.pid} on host ${lock.host} since ${lock.since} (`)).toBe(true);
    expect(r.stderr).toMatch(/ \(last heartbeat [\d.]+ s ago, stale after 60 s; its heartbeat is fresh, so it may be alive; if it has just died, wait for its lease to expire with: finesweep resume --wait \S+\)\n$/);
    expect(snapshot(sweepDir)).toEqual(before);
  });
});
