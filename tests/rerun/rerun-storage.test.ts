// `finesweep rerun --storage` and a spec's `rerun` on a sweep shared through a real PostgreSQL
// server, through the built CLI: the repeats are journaled once, claimed like any trial, each run
// exactly once, and reported grouped; an unfinished shared sweep is refused in one line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/store/events.js';
import { createSharedSweep } from '../../src/sweep/shared.js';
import { run, STACK } from '../e2e/helpers.js';
import { ADMIN_PASSWORD, startPostgres, type PgCluster, sweepEvents } from '../helpers/postgres.js';
import { tempDir } from '../pool/helpers.js';

const SEEDED = fileURLToPath(new URL('../fixtures/trainers/seeded-trainer.mjs', import.meta.url));

let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

function seededSpec(dir: string, name: string, extra: Record<string, unknown> = {}): string {
  const spec = {
    name,
    seed: 5,
    task: { type: 'command', command: [process.execPath, SEEDED] },
    parameters: { epochs: { value: 1 }, learning_rate: { values: [1e-2, 3e-2, 1e-1, 1e-3] }, noise: { value: 0.2 } },
    objective: { metric: 'val_loss', goal: 'minimize' },
    resources: { gpus: 0, workers: 2 },
    ...extra,
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

const eventsOf = (name: string, dir: string): Promise<JournalEvent[]> => sweepEvents(pg.url(), name, join(dir, 'results', name));

const of = <T extends JournalEvent['type']>(events: JournalEvent[], type: T) => events.filter((e): e is Extract<JournalEvent, { type: T }> => e.type === type);

describe('rerun on a shared sweep (--storage)', () => {
  it('finesweep rerun --storage journals the repeats of the best configurations once, runs each once, and report --storage groups them', async () => {
    const dir = tempDir('finesweep-rerun-pg-');
    const first = await run(['run', '--storage', pg.url(), seededSpec(dir, 'seeded-pg')], dir);
    expect(first.code, first.stderr).toBe(0);
    const before = await eventsOf('seeded-pg', dir);
    expect(of(before, 'trial_completed')).toHaveLength(4);

    const rerun = await run(['rerun', '--storage', pg.url(), 'seeded-pg', '--top', '2', '--seeds', '2'], dir);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout + rerun.stderr).not.toContain(ADMIN_PASSWORD);
    const events = await eventsOf('seeded-pg', dir);
    const repeats = of(events, 'trial_proposed').filter((e) => e.repeat_of !== undefined);
    expect(repeats).toHaveLength(4);
    expect(new Set(repeats.map((e) => e.repeat_of)).size).toBe(2);
    const completed = of(events, 'trial_completed').map((e) => e.trial_id);
    // Every trial completed exactly once: the four of the plan and the four repeats.
    expect(completed).toHaveLength(8);
    expect(new Set(completed).size).toBe(8);
    for (const r of repeats) expect(completed).toContain(r.trial_id);

    // Asking again adds nothing and runs nothing.
    const again = await run(['rerun', '--storage', pg.url(), 'seeded-pg', '--top', '2', '--seeds', '2'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(of(await eventsOf('seeded-pg', dir), 'trial_started')).toHaveLength(of(events, 'trial_started').length);

    const report = await run(['report', '--storage', pg.url(), 'seeded-pg', '--format', 'json'], dir);
    expect(report.code, report.stderr).toBe(0);
    const rows = (JSON.parse(report.stdout) as { rows: Array<{ id: string; repeatOf?: string; repeats?: { n: number } }> }).rows;
    expect(rows.filter((r) => r.repeats && !r.repeatOf).map((r) => r.repeats!.n)).toEqual([3, 3]);
  }, 180_000);

  it("a spec's rerun runs its repeats once the shared sweep completes", async () => {
    const dir = tempDir('finesweep-rerun-pg-');
    const r = await run(['run', '--storage', pg.url(), seededSpec(dir, 'seeded-pg-spec', { rerun: { top: 1, seeds: 2 } })], dir);
    expect(r.code, r.stderr).toBe(0);
    const events = await eventsOf('seeded-pg-spec', dir);
    const repeats = of(events, 'trial_proposed').filter((e) => e.repeat_of !== undefined);
    expect(repeats).toHaveLength(2);
    const completed = of(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed).toHaveLength(6);
    expect(new Set(completed).size).toBe(6);
  }, 180_000);

  it('refuses a shared sweep with unfinished trials in one line, exit 2, journaling nothing', async () => {
    const dir = tempDir('finesweep-rerun-pg-');
    // Recorded, not worked on: every trial pending.
    await createSharedSweep(pg.url(), seededSpec(dir, 'seeded-pg-open'), { trialFiles: join(dir, 'results', 'seeded-pg-open') });
    const before = await eventsOf('seeded-pg-open', dir);
    const r = await run(['rerun', '--storage', pg.url(), 'seeded-pg-open', '--top', '1', '--seeds', '1'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sweep "seeded-pg-open": the sweep has unfinished trials; finish it with `finesweep resume --storage <url> seeded-pg-open`, then rerun/);
    expect(await eventsOf('seeded-pg-open', dir)).toEqual(before);
  }, 120_000);
});
