// Overhead through the CLI (issue 14 item 8): 3,000 synthetic (noop) trials through the built
// `finesweep run`, one worker, progress off a TTY (pipes), wall time per trial including the
// process's start and the report at the end. Anchor: Optuna 3.1's JournalFileStorage ran 3,000
// trivial trials in 8.0 s here (2.67 ms a trial); goal ≤ 2.7 ms. Also: the run loop's own time
// per trial (the journal's sweep_started to sweep_completed: what grows with the trials, without
// the process's start and the report), what the sweep left on disk (a synthetic trial needs no
// directory of its own), and `finesweep resume` of the finished sweep (it must exit 0, start
// nothing, and take about what a report takes).
// Runnable alone: `npm run build && node dist/bench/cli.js`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');

export interface CliBench {
  trials: number;
  seconds: number;
  msPerTrial: number;
  /** The run loop alone: sweep_started to sweep_completed in the journal, per trial. */
  loopMsPerTrial: number;
  /** Entries under the sweep directory (files and directories, recursively). */
  entries: number;
  trialDirs: number;
  bytes: number;
  /** `finesweep resume` of the finished sweep: wall seconds (it exits 0 and starts no trial). */
  resumeSeconds: number;
  /** 1-minute load average before and after. */
  load: [number, number];
}

function walk(dir: string): { entries: number; bytes: number } {
  let entries = 0;
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    entries++;
    if (s.isDirectory()) {
      const sub = walk(path);
      entries += sub.entries;
      bytes += sub.bytes;
    } else bytes += s.size;
  }
  return { entries, bytes };
}

/** Seconds between the journal's first sweep_started and its sweep_completed. */
function loopSeconds(journal: string): number {
  const events = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; time: string });
  const start = events.find((e) => e.type === 'sweep_started');
  const end = events.find((e) => e.type === 'sweep_completed');
  if (!start || !end) throw new Error(`${journal}: no sweep_started and sweep_completed`);
  return (Date.parse(end.time) - Date.parse(start.time)) / 1000;
}

export function benchCli(trials = 3000): CliBench {
  const load0 = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-cli-'));
  try {
    const batches = 30;
    const lrs = Math.ceil(trials / batches);
    const spec = {
      name: 'cli-overhead',
      task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
      parameters: {
        learning_rate: { values: Array.from({ length: lrs }, (_, i) => 1e-5 * 1.1 ** i) },
        batch_size: { values: Array.from({ length: batches }, (_, i) => i + 1) },
        epochs: { value: 1 },
      },
      resources: { gpus: 0, workers: 1 },
    };
    const path = join(dir, 'cli-overhead.json');
    writeFileSync(path, JSON.stringify(spec));
    const trainer = ['--trainer', join(ROOT, 'dist/bench/trainers/noop.js')];
    const cli = (args: string[]): number => {
      const start = performance.now();
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/finesweep.js'), ...args, ...trainer], {
        cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024,
      });
      const took = (performance.now() - start) / 1000;
      if (r.status !== 0) throw new Error(`finesweep ${args[0]} exited ${r.status}: ${String(r.stderr).trim().split('\n').at(-1)}`);
      return took;
    };
    const seconds = cli(['run', path, '--results', join(dir, 'results'), '--workers', '1', '--max-trials', String(lrs * batches)]);
    const sweepDir = join(dir, 'results', 'cli-overhead');
    const journal = join(sweepDir, 'journal.jsonl');
    const loop = loopSeconds(journal);
    const before = readFileSync(journal);
    const resumeSeconds = cli(['resume', sweepDir, '--workers', '1']);
    // A finished sweep's resume runs nothing and records nothing.
    if (!readFileSync(journal).equals(before)) throw new Error('resume of the finished sweep changed its journal');
    const { entries, bytes } = walk(sweepDir);
    let trialDirs = 0;
    try {
      trialDirs = readdirSync(join(sweepDir, 'trials')).length;
    } catch {
      trialDirs = 0;
    }
    const n = lrs * batches;
    return { trials: n, seconds, msPerTrial: (seconds * 1000) / n, loopMsPerTrial: (loop * 1000) / n, entries, trialDirs, bytes, resumeSeconds, load: [load0, loadavg()[0]] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatCli(b: CliBench): string {
  return (
    `${b.trials} noop trials through finesweep run (1 worker, no TTY): ${b.seconds.toFixed(1)} s, ${b.msPerTrial.toFixed(2)} ms a trial ` +
    `(run loop ${b.loopMsPerTrial.toFixed(2)} ms a trial; the rest is the process's start and the report); ` +
    `left ${b.entries} entries (${b.trialDirs} trial directories, ${(b.bytes / 1e6).toFixed(1)} MB); ` +
    `resume of the finished sweep: ${b.resumeSeconds.toFixed(1)} s, exit 0, nothing run; load ${b.load[0].toFixed(2)} → ${b.load[1].toFixed(2)}`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatCli(benchCli(Number(process.argv[2] ?? 3000))));
}
