// `finesweep rerun`: the best configurations run again with new seeds, as journaled trials of the
// same sweep, through the real run loop and the built CLI, with a command trainer whose result
// depends on its seed (tests/fixtures/trainers/seeded-trainer.mjs).
import { unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import { finesweep, journalUntil, run } from '../e2e/helpers.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from '../sweep/sweep-helpers.js';

const SEEDED = fileURLToPath(new URL('../fixtures/trainers/seeded-trainer.mjs', import.meta.url));

function seededSpec(dir: string, extra: Record<string, unknown> = {}, noise = 0.01, more: Record<string, unknown> = {}): string {
  const spec = {
    name: 'seeded',
    seed: 5,
    task: { type: 'command', command: [process.execPath, SEEDED] },
    parameters: { epochs: { value: 1 }, learning_rate: { values: [1e-2, 3e-2, 1e-1, 1e-3] }, noise: { value: noise }, ...more },
    objective: { metric: 'val_loss', goal: 'minimize' },
    resources: { gpus: 0, workers: 2 },
    ...extra,
  };
  const path = join(dir, 'seeded.json');
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

describe('finesweep rerun', () => {
  it('runs the K best configurations N more times as journaled repeats with new seeds; asking again adds nothing', async () => {
    const dir = tempDir('finesweep-rerun-');
    const first = await runSweep(seededSpec(dir), { resultsDir: join(dir, 'results') });
    expect(first.state.completed).toBe(true);
    const out = await resumeSweep(first.dir, { rerun: { top: 2, seeds: 2 } });
    const events = journal(out.dir);
    const proposed = ofType(events, 'trial_proposed');
    expect(proposed).toHaveLength(4);
    // The two best of the first run: lr 1e-2 and 3e-2 (1e-1 and 1e-3 are a decade off).
    const byLr = new Map([...first.state.trials.values()].map((t) => [t.params.learning_rate, t.id]));
    expect(new Set(proposed.map((p) => p.repeat_of))).toEqual(new Set([byLr.get(1e-2), byLr.get(3e-2)]));
    for (const p of proposed) {
      expect(p.sampler).toBe('rerun');
      expect(p.params).toEqual(first.state.trials.get(p.repeat_of!)!.params);
      expect(out.state.trials.get(p.trial_id)!.status).toBe('completed');
      expect(out.state.trials.get(p.trial_id)!.repeatOf).toBe(p.repeat_of);
    }
    // A new seed each: every val_loss of one configuration differs.
    const values = (id: string): number[] =>
      [...out.state.trials.values()].filter((t) => (t.repeatOf ?? t.id) === id).map((t) => t.epochs[0]!.val_loss as number);
    expect(new Set(values(byLr.get(1e-2)!)).size).toBe(3);
    expect(out.state.completed).toBe(true);
    expect(ofType(events, 'sweep_completed')).toHaveLength(2);

    const again = await resumeSweep(first.dir, { rerun: { top: 2, seeds: 2 } });
    expect(journal(again.dir)).toHaveLength(events.length);
  }, 120_000);

  it('spec `rerun` runs the repeats when the sweep ends', async () => {
    const dir = tempDir('finesweep-rerun-');
    const out = await runSweep(seededSpec(dir, { rerun: { top: 1, seeds: 2 } }), { resultsDir: join(dir, 'results') });
    const repeats = [...out.state.trials.values()].filter((t) => t.repeatOf !== undefined);
    expect(repeats.map((t) => t.status)).toEqual(['completed', 'completed']);
    expect(out.state.completed).toBe(true);
  }, 120_000);

  it('the CLI refuses bad input in one line with exit 2, and reports the repeats grouped', async () => {
    const dir = tempDir('finesweep-rerun-');
    const first = await runSweep(seededSpec(dir, {}, 0.5), { resultsDir: join(dir, 'results') });
    for (const [args, says] of [
      [['rerun', first.dir, '--top', '0', '--seeds', '2'], '--top: expected a whole number >= 1'],
      [['rerun', first.dir, '--top', '2', '--seeds', 'x'], '--seeds: expected a whole number >= 1'],
      [['rerun', join(dir, 'nowhere'), '--top', '2', '--seeds', '2'], 'nowhere'],
    ] as const) {
      const r = await run([...args], dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toContain(says);
    }
    // A running sweep (a live controller holds its lease: this test process, heartbeat now) is refused.
    const now = new Date().toISOString();
    writeFileSync(join(first.dir, 'lock.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: now, heartbeat: now, token: 'live' }));
    const running = await run(['rerun', first.dir, '--top', '2', '--seeds', '2'], dir);
    expect(running.code).toBe(2);
    expect(running.stderr.trim().split('\n')).toHaveLength(1);
    expect(running.stderr).toMatch(/is locked by pid \d+ .*; rerun it once it has ended$/m);
    unlinkSync(join(first.dir, 'lock.json'));
    expect(ofType(journal(first.dir), 'trial_proposed')).toHaveLength(0);

    const ok = await run(['rerun', first.dir, '--top', '2', '--seeds', '2'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse((await run(['report', first.dir, '--format', 'json'], dir)).stdout) as {
      rows: Array<{ id: string; rank?: number; best?: { value: number }; repeatOf?: string; repeats?: { n: number; mean: number; sd: number }; tie?: boolean }>;
    };
    // Every row of a configuration run three times carries its repeats; its first run leads it.
    expect(report.rows.filter((r) => r.repeats)).toHaveLength(6);
    const firsts = report.rows.filter((r) => r.repeats && !r.repeatOf);
    expect(firsts).toHaveLength(2);
    for (const r of firsts) {
      expect(r.repeats!.n).toBe(3);
      expect(r.repeats!.sd).toBeGreaterThan(0);
      const rows = report.rows.filter((x) => (x.repeatOf ?? x.id) === r.id);
      expect(rows[0]!.id).toBe(r.id);
      expect(new Set(rows.map((x) => x.rank)).size).toBe(1);
      const values = rows.map((x) => x.best!.value);
      expect(r.repeats!.mean).toBeCloseTo(values.reduce((a, b) => a + b) / 3, 12);
    }
    // The table shows mean ± sd on the first run's row.
    const table = await run(['report', first.dir], dir);
    expect(table.stdout).toMatch(/mean ± sd/);
    expect(table.stdout).toMatch(/\d ± \d[^│]*\(n 3\)/);
  }, 180_000);

  it('kill -9 during a rerun: resume finishes the repeats, none runs twice and no finished trial runs again', async () => {
    const dir = tempDir('finesweep-rerun-');
    const gate = join(dir, 'gate');
    const first = await runSweep(seededSpec(dir, {}, 0.01, { gate: { value: gate } }), { resultsDir: join(dir, 'results') });
    const cli = finesweep(['rerun', first.dir, '--top', '2', '--seeds', '1'], dir);
    await journalUntil(first.dir, cli, (events) => ofType(events, 'trial_started').some((e) => /-r1$/.test(e.trial_id)));
    cli.child.kill('SIGKILL');
    await cli.done;
    writeFileSync(gate, '');
    const resumed = await run(['resume', first.dir], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = journal(first.dir);
    const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed).toHaveLength(6);
    expect(new Set(completed).size).toBe(6);
    expect(ofType(events, 'trial_proposed').map((e) => e.repeat_of).sort()).toEqual([...new Set(ofType(events, 'trial_proposed').map((e) => e.repeat_of))].sort());
    // The first run's trials started once each.
    for (const id of first.state.trials.keys()) expect(ofType(events, 'trial_started').filter((e) => e.trial_id === id)).toHaveLength(1);
    expect(ofType(events, 'sweep_completed')).toHaveLength(2);
  }, 180_000);
});
