// Overhead through the CLI (issue 14 item 8): 3,000 synthetic (noop) trials through the built
// `finesweep run`, one worker, progress off a TTY (pipes), wall time per trial including the
// process's start and the report at the end. Anchor: Optuna 3.1's JournalFileStorage ran 3,000
// trivial trials in 8.0 s here (2.67 ms a trial); goal ≤ 2.7 ms. Also counts what the sweep left
// on disk: a synthetic trial needs no directory of its own.
// Runnable alone: `npm run build && node dist/bench/cli.js`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');

export interface CliBench {
  trials: number;
  seconds: number;
  msPerTrial: number;
  /** Entries under the sweep directory (files and directories, recursively). */
  entries: number;
  trialDirs: number;
  bytes: number;
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

export function benchCli(trials = 3000): CliBench {
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
    const start = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/finesweep.js'), 'run', path, '--results', join(dir, 'results'), '--workers', '1', '--trainer', join(ROOT, 'dist/bench/trainers/noop.js'), '--max-trials', String(lrs * batches)], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`finesweep run exited ${r.status}: ${String(r.stderr).trim().split('\n').at(-1)}`);
    const sweepDir = join(dir, 'results', 'cli-overhead');
    const { entries, bytes } = walk(sweepDir);
    let trialDirs = 0;
    try {
      trialDirs = readdirSync(join(sweepDir, 'trials')).length;
    } catch {
      trialDirs = 0;
    }
    const n = lrs * batches;
    return { trials: n, seconds, msPerTrial: (seconds * 1000) / n, entries, trialDirs, bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatCli(b: CliBench): string {
  return `${b.trials} noop trials through finesweep run (1 worker, no TTY): ${b.seconds.toFixed(1)} s, ${b.msPerTrial.toFixed(2)} ms a trial; left ${b.entries} entries (${b.trialDirs} trial directories, ${(b.bytes / 1e6).toFixed(1)} MB)`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatCli(benchCli()));
}
