// Workers on one PostgreSQL sweep, as users run them (compiled CLI, real processes, a real
// server): three workers × two slots complete twelve trials exactly once while one is killed
// with kill -9 mid-trial; the server restarts mid-sweep; a worker frozen past its lease is taken
// over and its late events are refused. Waits on the database's events, never on a fixed sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/store/events.js';
import { tempDir } from '../pool/helpers.js';
import { startPostgres, type PgCluster, sweepEvents } from '../helpers/postgres.js';
import { writeSpec } from '../sweep/sweep-helpers.js';
import { until } from '../store/helpers/wait.js';
import { validateSpec } from '../../src/spec/load.js';
import { samplerOf } from '../../src/sweep/expand.js';
import { historyFromJournal } from '../../src/sweep/history.js';
import { objectiveOf } from '../../src/sweep/request.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');
const NOOP = resolve(import.meta.dirname, '../../dist/bench/trainers/noop.js');

let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

interface Cli {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function cli(args: string[], cwd: string): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((res) => child.on('close', (code, signal) => res({ code, signal, stderr }))) };
}

const eventsOf = (name: string, dir: string): Promise<JournalEvent[]> => sweepEvents(pg.url(), name, dir);


const of = <T extends JournalEvent['type']>(events: JournalEvent[], type: T) => events.filter((e): e is Extract<JournalEvent, { type: T }> => e.type === type);

/** Each trial of the plan completed exactly once, and the sweep once (not once per worker). */
function completedOnce(events: JournalEvent[], trials: number): void {
  const done = of(events, 'trial_completed').map((e) => e.trial_id);
  expect(done.length).toBe(trials);
  expect(new Set(done).size).toBe(trials);
  expect(of(events, 'sweep_completed')).toHaveLength(1);
}

function setup(name: string, pauseMs: number): { dir: string; shared: string; spec: string } {
  const dir = tempDir('finesweep-workers-');
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  writeSpec(dir, { name, epochs: 3, learningRates: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], batchSizes: [8, 16], extra: { pause_ms: { value: pauseMs } } });
  return { dir, shared, spec: `${name}.json` };
}

const workerArgs = (name: string, shared: string, extra: string[] = []) => [
  'worker', '--storage', pg.url(), '--sweep', name, '--workers', '2', '--trainer', NOOP, '--trial-files', shared, '--heartbeat', '0.2', '--lease', '1.5', ...extra,
];

describe('finesweep worker on PostgreSQL (compiled CLI, real processes)', () => {
  it('three workers × two slots complete twelve trials exactly once; one killed with kill -9 mid-trial has its trial taken over and resumed from its checkpoint', async () => {
    const { dir, shared, spec } = setup('killed-worker', 300);
    const created = await cli(['run', '--storage', pg.url(), spec, '--no-work', '--trainer', NOOP], dir).done;
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const workers = [0, 1, 2].map(() => cli(workerArgs('killed-worker', shared), dir));
    // A trial of worker 0 that has finished an epoch: kill -9 its worker mid-trial.
    const victim = await until('an epoch of a trial worker 0 runs', async () => {
      const owned = pg.sql(`select trial_id from finesweep_trials where lease_owner like '%:${workers[0].child.pid}' and state = 'running'`, 'finesweep').split('\n').filter(Boolean);
      const events = await eventsOf('killed-worker', shared);
      return owned.find((id) => of(events, 'epoch_ended').some((e) => e.trial_id === id));
    });
    const connections = Number(pg.sql(`select count(*) from pg_stat_activity where datname = 'finesweep'`));
    workers[0].child.kill('SIGKILL');
    const ends = await Promise.all(workers.slice(1).map((w) => w.done));
    for (const end of ends) expect(end.code, end.stderr).toBe(0);
    const events = await eventsOf('killed-worker', shared);
    completedOnce(events, 12);
    const starts = of(events, 'trial_started').filter((e) => e.trial_id === victim);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.at(-1)!.from_epoch).toBeGreaterThanOrEqual(1); // from its checkpoint on the shared directory
    // A pool per process, sized from its slots: three workers stay within 3 × (2 + 2) connections.
    expect(connections).toBeLessThanOrEqual(12);
  });

  it('two workers run a TPE sweep: each proposal is what the journal before it gives (the proposer reads on, it does not refold)', async () => {
    const dir = tempDir('finesweep-workers-');
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    const raw = {
      name: 'tpe-shared',
      seed: 5,
      task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
      strategy: { type: 'tpe', trials: 9, n_startup_trials: 3 },
      parameters: { learning_rate: { distribution: 'log_uniform', min: 1e-5, max: 1 }, batch_size: { values: [8, 16] }, epochs: { value: 2 } },
      resources: { gpus: 0, workers: 2 },
    };
    writeFileSync(join(dir, 'tpe-shared.json'), JSON.stringify(raw));
    const created = await cli(['run', '--storage', pg.url(), 'tpe-shared.json', '--no-work', '--trainer', NOOP], dir).done;
    expect(created.stderr).toBe('');
    const ends = await Promise.all([0, 1].map(() => cli(workerArgs('tpe-shared', shared), dir).done));
    for (const end of ends) expect(end.code, end.stderr).toBe(0);
    const events = await eventsOf('tpe-shared', shared);
    completedOnce(events, 9);
    const proposals = of(events, 'trial_proposed');
    expect(proposals.map((p) => p.index).sort()).toEqual([3, 4, 5, 6, 7, 8]);
    const spec = validateSpec(raw, 'tpe-shared.json');
    const sampler = samplerOf(spec);
    for (const p of proposals) {
      expect(sampler.propose(p.index, historyFromJournal(events, objectiveOf(spec), p.seq)), `trial ${p.index}`).toEqual(p.params);
    }
  });

  it('rides out a server restart mid-sweep: the workers reconnect with backoff and nothing is lost or doubled', async () => {
    const { dir, shared, spec } = setup('restarted', 200);
    expect((await cli(['run', '--storage', pg.url(), spec, '--no-work', '--trainer', NOOP], dir).done).code).toBe(0);
    const workers = [0, 1].map(() => cli(workerArgs('restarted', shared), dir));
    await until('a few epochs', async () => (of(await eventsOf('restarted', shared), 'epoch_ended').length >= 4 ? true : undefined));
    await pg.restart();
    const ends = await Promise.all(workers.map((w) => w.done));
    for (const end of ends) expect(end.code, end.stderr).toBe(0);
    const events = await eventsOf('restarted', shared);
    completedOnce(events, 12);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('a worker frozen (SIGSTOP) past its lease has its trial taken over; continued, its late events are refused', async () => {
    const { dir, shared, spec } = setup('frozen', 700);
    expect((await cli(['run', '--storage', pg.url(), spec, '--no-work', '--trainer', NOOP], dir).done).code).toBe(0);
    const a = cli(workerArgs('frozen', shared, ['--workers', '1']), dir);
    const frozen = await until('worker A mid-trial', async () => of(await eventsOf('frozen', shared), 'epoch_ended')[0]?.trial_id);
    a.child.kill('SIGSTOP');
    const b = cli(workerArgs('frozen', shared), dir);
    await until('worker B to take the frozen trial', async () => (of(await eventsOf('frozen', shared), 'trial_started').filter((e) => e.trial_id === frozen).length >= 2 ? true : undefined));
    a.child.kill('SIGCONT');
    const ends = await Promise.all([a.done, b.done]);
    for (const end of ends) expect(end.code, end.stderr).toBe(0);
    const events = await eventsOf('frozen', shared);
    completedOnce(events, 12);
    // After the take-over, the trial's events are B's alone: each epoch once, then one completion.
    const takeOver = of(events, 'trial_started').filter((e) => e.trial_id === frozen)[1];
    const after = events.filter((e) => e.seq > takeOver.seq && (e as { trial_id?: string }).trial_id === frozen);
    const epochs = of(after, 'epoch_ended').map((e) => e.metrics.epoch);
    expect(new Set(epochs).size).toBe(epochs.length);
    expect(of(after, 'trial_completed')).toHaveLength(1);
  });
});
