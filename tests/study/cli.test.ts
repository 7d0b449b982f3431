// A study recorded by a program through the library reads as a CLI sweep: `finesweep report`,
// `suggest`, `dashboard` and `export-optuna` (opened by the real Optuna) on its directory; and a
// kill -9 of that program loses only the trial in flight's unreported work: reopened, the study
// asks that trial again.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStudy } from '../../src/index.js';
import { tempDir } from '../pool/helpers.js';
import { waitForFile } from '../store/helpers/wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'fixtures', 'study-child.mjs');
const BIN = join(ROOT, 'bin', 'finesweep.js');
const run = promisify(execFile);

async function childStudy(dir: string): Promise<{ best: string; trials: number }> {
  const { stdout } = await run(process.execPath, [CHILD, dir, 'run']);
  return JSON.parse(stdout) as { best: string; trials: number };
}

describe('a library study read by the CLI', () => {
  it('finesweep report ranks it as a sweep: the same best trial, stops explained', async () => {
    const dir = join(tempDir('finesweep-study-cli-'), 'child');
    const { best, trials } = await childStudy(dir);
    expect(trials).toBe(12);
    const table = await run(process.execPath, [BIN, 'report', dir, '--all']);
    expect(table.stdout).toMatch(/^Sweep child — val_loss \(minimize\) · 12 trials: \d+ completed, \d+ stopped early · sweep finished/m);
    expect(table.stdout).toMatch(new RegExp(`│ +1 │ ${best} +│`));
    expect(table.stdout).toMatch(/stopped early: asha rung \d \(step \d\)/);
    const json = JSON.parse((await run(process.execPath, [BIN, 'report', dir, '--format', 'json'])).stdout) as { rows: Array<{ id: string; rank?: number }> };
    expect(json.rows).toHaveLength(12);
    expect(json.rows.find((r) => r.rank === 1)?.id).toBe(best);
    // suggest: the ranges to search next (a library study has no spec for `finesweep run`).
    const next = await run(process.execPath, [BIN, 'suggest', dir]);
    expect(next.stdout).toMatch(/^the next study's ranges \(\d+ changes?\):\n {2}learning_rate: log_uniform 1e-4\.\.1e-1 → /);
  }, 60_000);

  it('finesweep dashboard serves it: the study listed, its leaderboard with the best trial', async () => {
    const dir = join(tempDir('finesweep-study-cli-'), 'child');
    const { best } = await childStudy(dir);
    const server = spawn(process.execPath, [BIN, 'dashboard', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) ok(m[1]);
        });
        server.once('exit', (code) => fail(new Error(`dashboard exited ${code}`)));
      });
      expect(await (await fetch(`${url}/`)).text()).toContain('/sweeps/child');
      const board = await (await fetch(`${url}/sweeps/child/leaderboard`)).text();
      expect(board).toContain(best);
    } finally {
      server.kill('SIGTERM');
    }
  }, 60_000);

  it('export-optuna writes a journal the real Optuna loads, with the same best trial', async () => {
    const dir = join(tempDir('finesweep-study-cli-'), 'child');
    const { best } = await childStudy(dir);
    const out = join(dir, '..', 'child.optuna.log');
    await run(process.execPath, [BIN, 'export-optuna', dir, '--out', out]);
    const py = `
import sys, warnings, json
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))
study = optuna.load_study(study_name="child", storage=s)
print(json.dumps({"n": len(study.trials), "best": study.best_trial.number, "states": sorted({t.state.name for t in study.trials})}))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const loaded = JSON.parse(r.stdout) as { n: number; best: number; states: string[] };
    expect(loaded.n).toBe(12);
    expect(`t${String(loaded.best).padStart(3, '0')}`).toBe(best);
    expect(loaded.states).toEqual(expect.arrayContaining(['COMPLETE', 'PRUNED']));
  }, 60_000);

  it('kill -9 of the program: finished trials kept, the running one recorded failed and asked again', async () => {
    const dir = join(tempDir('finesweep-study-cli-'), 'child');
    const child = spawn(process.execPath, [CHILD, dir, 'hang'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    await waitForFile(`${dir}.marker`, child);
    child.kill('SIGKILL');
    await exited;
    const running = JSON.parse(readFileSync(`${dir}.marker`, 'utf8')) as { id: string; params: Record<string, unknown> };

    const study = await createStudy({ name: 'child', storage: dir, seed: 4, objective: 'val_loss', strategy: { type: 'tpe', n_startup_trials: 4 }, early_stopping: { type: 'asha', min_steps: 1, reduction_factor: 2, max_steps: 6 } });
    const before = study.trials;
    expect(before).toHaveLength(4);
    expect(before.slice(0, 3).every((t) => t.status === 'completed' || t.status === 'stopped_early')).toBe(true);
    expect(before[3]).toMatchObject({ id: running.id, status: 'pending', params: running.params });
    expect(before[3].steps.map((s) => s.epoch)).toEqual([1, 2]);
    const again = await study.ask();
    expect(again.id).toBe(running.id);
    expect(again.attempt).toBe(2);
    expect(again.suggestFloat('learning_rate', 1e-4, 1e-1, { log: true })).toBe(running.params.learning_rate);
    await study.tell(again, 0.5);
    await study.close();
    const events = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; error?: string });
    expect(events.filter((e) => e.type === 'trial_failed').map((e) => e.error)).toEqual([expect.stringMatching(/^the process running this trial ended before it finished/)]);
  }, 60_000);
});
