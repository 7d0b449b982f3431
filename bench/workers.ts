// Shared sweeps on PostgreSQL (issue 12 figures): synthetic-trial throughput with 1, 2 and 4
// worker processes beside the file journal's `finesweep run`, per-trial overhead, and the time a
// trial's lease takes to be taken over after kill -9 of its worker. A throwaway cluster (fsync on)
// is started for the run. Runnable alone: `npm run build && node dist/bench/workers.js`.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openStore } from '../src/store/open.js';
import { startPostgres, type PgCluster } from '../tests/helpers/postgres.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');
const CLI = join(ROOT, 'bin/finesweep.js');
const NOOP = join(ROOT, 'dist/bench/trainers/noop.js');
const PAUSE_MS = 20;

export interface WorkersBench {
  trials: number;
  journal: Run;
  postgres: PgRun[];
  /** The same with trials that each hold their slot pauseMs without CPU (a GPU's share of the work). */
  paused: PgRun[];
  pauseMs: number;
  takeOverSeconds: number;
  leaseSeconds: number;
  heartbeatSeconds: number;
}

interface Run {
  seconds: number;
  trialsPerSecond: number;
  msPerTrial: number;
  /** CPU seconds of the finesweep processes per wall second: the cores they kept busy (the server's not counted). */
  cores: number;
}

interface PgRun extends Run {
  workers: number;
  /** The PostgreSQL server's CPU seconds (every backend and helper process) per wall second. */
  serverCores: number;
  /**
   * From the first trial_started to the last trial_completed (the events' times): the time a
   * trial takes once the workers run, without their process start (about 2 s each here).
   */
  steadyMsPerTrial: number;
}

/** User + system CPU seconds of this process's reaped children (from /proc). */
function childCpu(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) / 100; // cutime, cstime (fields 16, 17)
}

function cli(args: string[], cwd: string): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
  return new Promise((res) => child.on('close', (code) => res(code)));
}

function spec(dir: string, name: string, trials: number, extra: Record<string, unknown> = {}): string {
  const batches = Math.min(10, trials); // trials = learning rates × batch sizes (exactly, for a count below 10)
  const spec = {
    name,
    task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
    parameters: {
      learning_rate: { values: Array.from({ length: Math.ceil(trials / batches) }, (_, i) => 1e-5 * 1.1 ** i) },
      batch_size: { values: Array.from({ length: batches }, (_, i) => i + 1) },
      epochs: { value: 1 },
      ...extra,
    },
    resources: { gpus: 0, workers: 1 },
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

/** User + system CPU seconds of the server: the postmaster, its reaped backends, and its live children. */
function serverCpu(pg: PgCluster): number {
  const postmaster = Number(readFileSync(join(pg.sql('show data_directory'), 'postmaster.pid'), 'utf8').split('\n')[0]);
  const fields = (pid: number | string): string[] => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return f.slice(f.lastIndexOf(')') + 2).split(' ');
  };
  const own = fields(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]); // utime stime cutime cstime
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const f = fields(pid);
      if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}

/** Milliseconds a trial from the first trial_started to the last trial_completed. */
function steadyMs(all: readonly { type: string; time: string }[], trials: number): number {
  const started = all.filter((e) => e.type === 'trial_started').map((e) => Date.parse(e.time));
  const ended = all.filter((e) => e.type === 'trial_completed').map((e) => Date.parse(e.time));
  return (Math.max(...ended) - Math.min(...started)) / trials;
}

async function timed(f: () => Promise<unknown>, trials: number): Promise<Run> {
  const cpu0 = childCpu();
  const t0 = performance.now();
  await f();
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, trialsPerSecond: trials / seconds, msPerTrial: (seconds * 1000) / trials, cores: (childCpu() - cpu0) / seconds };
}

async function events(pg: PgCluster, name: string, dir: string) {
  const store = await openStore(pg.url(), { sweep: name, trialFiles: dir });
  try {
    return await store.events();
  } finally {
    await store.close();
  }
}

export async function benchWorkers(trials = 400): Promise<WorkersBench> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-workers-'));
  const pg = await startPostgres({ durable: true });
  try {
    const journal = await timed(() => cli(['run', spec(dir, 'journal', trials), '--trainer', NOOP, '--workers', '1', '--results', join(dir, 'results')], dir), trials);
    const postgres: PgRun[] = [];
    const paused: PgRun[] = [];
    // noop trials measure what finesweep costs (here it is CPU-bound: every worker and the server
    // share two cores); paused trials hold their slot PAUSE_MS an epoch without the host's CPU, as a
    // fine-tune on a GPU does, and measure how workers add up when the trials are the work.
    for (const [series, extra] of [[postgres, {}], [paused, { pause_ms: { value: PAUSE_MS } }]] as const)
    for (const workers of [1, 2, 4]) {
      const name = `pg-${workers}${series === paused ? '-paused' : ''}`;
      await cli(['run', '--storage', pg.url(), spec(dir, name, trials, extra), '--no-work', '--trainer', NOOP], dir);
      const files = join(dir, name);
      mkdirSync(files);
      const server0 = serverCpu(pg);
      const run = await timed(() => Promise.all(Array.from({ length: workers }, () => cli(['worker', '--storage', pg.url(), '--sweep', name, '--workers', '1', '--trainer', NOOP, '--trial-files', files], dir))), trials);
      const serverCores = (serverCpu(pg) - server0) / run.seconds;
      series.push({ workers, ...run, serverCores, steadyMsPerTrial: steadyMs(await events(pg, name, files), trials) });
    }
    // Take-over: the one trial of a sweep, on worker A; kill -9 A after its first epoch; B takes that trial
    // once its lease expires (its second trial_started: B has nothing else to start).
    const heartbeat = 1;
    const lease = 5;
    await cli(['run', '--storage', pg.url(), spec(dir, 'takeover', 1, { epochs: { value: 3 }, pause_ms: { value: 2000 } }), '--no-work', '--trainer', NOOP], dir);
    const files = join(dir, 'takeover');
    mkdirSync(files);
    const args = ['worker', '--storage', pg.url(), '--sweep', 'takeover', '--workers', '1', '--trainer', NOOP, '--trial-files', files, '--heartbeat', String(heartbeat), '--lease', String(lease)];
    const a = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: 'ignore' });
    while (!(await events(pg, 'takeover', files)).some((e) => e.type === 'epoch_ended')) await new Promise((r) => setTimeout(r, 50));
    const b = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: 'ignore' });
    a.kill('SIGKILL');
    const killedAt = performance.now();
    while ((await events(pg, 'takeover', files)).filter((e) => e.type === 'trial_started').length < 2) await new Promise((r) => setTimeout(r, 50));
    const takeOverSeconds = (performance.now() - killedAt) / 1000;
    await new Promise((r) => b.on('close', r));
    return { trials, journal, postgres, paused, pauseMs: PAUSE_MS, takeOverSeconds, leaseSeconds: lease, heartbeatSeconds: heartbeat };
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatWorkers(b: WorkersBench): string {
  const series = (runs: PgRun[]) => {
    const first = runs[0];
    return runs.map(
      (r) =>
        `  PostgreSQL, ${r.workers} worker${r.workers > 1 ? 's' : ''}: ${r.seconds.toFixed(1)} s, ${r.trialsPerSecond.toFixed(1)} trials/s (${(r.trialsPerSecond / first.trialsPerSecond).toFixed(2)}× one worker), ${r.msPerTrial.toFixed(1)} ms a trial; ` +
        `first start to last completion ${r.steadyMsPerTrial.toFixed(1)} ms a trial (${(first.steadyMsPerTrial / r.steadyMsPerTrial).toFixed(2)}×); cores busy: workers ${r.cores.toFixed(2)} + server ${r.serverCores.toFixed(2)}`,
    );
  };
  const onePaused = b.paused[0];
  const lines = [
    `${b.trials} noop trials, 1 slot a process, on ${availableParallelism()} cores (load average ${loadavg()[0].toFixed(1)}):`,
    `  file journal, 1 process: ${b.journal.seconds.toFixed(1)} s, ${b.journal.trialsPerSecond.toFixed(1)} trials/s, ${b.journal.msPerTrial.toFixed(1)} ms a trial, ${b.journal.cores.toFixed(2)} cores busy`,
    ...series(b.postgres),
    `${b.trials} trials of one ${b.pauseMs} ms epoch without CPU (a GPU's share), 1 slot a process; overhead a trial on 1 worker ${(onePaused.steadyMsPerTrial - b.pauseMs).toFixed(1)} ms:`,
    ...series(b.paused),
    `  lease take-over after kill -9: ${b.takeOverSeconds.toFixed(1)} s (lease ${b.leaseSeconds} s + heartbeat ${b.heartbeatSeconds} s = ${b.leaseSeconds + b.heartbeatSeconds} s)`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatWorkers(await benchWorkers(Number(process.argv[2] ?? 400))));
}
