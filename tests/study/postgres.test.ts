// A study on PostgreSQL (a real server, started by the test): the same study as on a directory —
// continued by name, a trial left running asked again — and `finesweep report --storage` reads it.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy, type Trial } from '../../src/index.js';
import { ADMIN_PASSWORD, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { tempDir } from '../pool/helpers.js';

const BIN = join(resolve(import.meta.dirname, '../..'), 'bin', 'finesweep.js');
const run = promisify(execFile);
let pg: PgCluster;
let cwd: string;

beforeAll(async () => {
  pg = await startPostgres();
  cwd = tempDir('finesweep-study-pg-');
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

async function objective(trial: Trial): Promise<number> {
  const x = trial.suggestFloat('x', -2, 2);
  for (let step = 1; step <= 3; step++) await trial.report(step, { val_loss: x * x + 1 / step });
  return x * x + 1 / 3;
}

describe('a study on PostgreSQL', () => {
  it('continues by name; a trial left running is asked again; report --storage ranks it', async () => {
    const options = { name: 'pg-study', storage: pg.url(), strategy: 'random' as const, seed: 2 };
    const first = await createStudy(options);
    expect(first.location).not.toContain(ADMIN_PASSWORD);
    await first.optimize(objective, { trials: 4 });
    const open = await first.ask();
    open.suggestFloat('x', -2, 2);
    await open.report(1, { val_loss: 3 });
    await first.close(); // the trial stays running: as if the process had died

    const again = await createStudy(options);
    expect(again.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'pending']);
    const retry = await again.ask();
    expect([retry.id, retry.attempt, retry.params]).toEqual([open.id, 2, open.params]);
    await again.tell(retry, await objective(retry));
    const best = again.bestTrial!;
    await again.close();

    const { stdout } = await run(process.execPath, [BIN, 'report', '--storage', pg.url(), 'pg-study', '--format', 'json'], { cwd });
    const lb = JSON.parse(stdout) as { rows: Array<{ id: string; rank?: number; status: string }> };
    expect(lb.rows).toHaveLength(5);
    expect(lb.rows.find((r) => r.rank === 1)?.id).toBe(best.id);
    expect(stdout).not.toContain(ADMIN_PASSWORD);
  }, 120_000);
});
