// The command trainer's per-trial overhead. Runnable alone: `npm run build && node dist/bench/command.js`,
// or `node dist/bench/command.js 10000` for one sweep of that many command trials alone, with the
// ms a trial of each thousand (from the journal's end times): a cost that grows with the sweep shows there.
// The same 100-trial grid (10 learning rates x 10 batch sizes, 1 epoch, 2 slots) through runSweep
// twice, in one run: as command trials of a program that reports one epoch and exits (/bin/sh,
// so that the figure is finesweep's cost and one process start, not an interpreter's start-up), and
// as in-process synthetic 'noop' trials. Beside them, the bare cost of starting that program 100
// times (spawnSync, one at a time), to separate the process start from finesweep's own share.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runSweep } from '../src/sweep/session.js';
import { syntheticTrainerUrl } from './trainers/index.js';

/** The program: one epoch line appended to $FINESWEEP_METRICS, exit 0. */
const PROGRAM = ['/bin/sh', '-c', 'echo \'{"epoch": 1, "train_loss": 0.5, "val_loss": 0.4}\' >> "$FINESWEEP_METRICS"'];

export interface CommandBench {
  trials: number;
  /** Wall ms per trial of each kind (2 slots: about half a trial's own duration). */
  commandMsPerTrial: number;
  noopMsPerTrial: number;
  /** ms to start and wait for the program once, alone. */
  spawnMs: number;
}

const values = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

async function sweepMs(dir: string, name: string, task: Record<string, unknown>, trainer?: string): Promise<number> {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      task,
      parameters: { learning_rate: { values: values(10, (i) => 1e-4 * (i + 1)) }, batch_size: { values: values(10, (i) => i + 1) }, epochs: { value: 1 } },
      resources: { gpus: 0, workers: 2, max_retries: 0 },
    }),
  );
  const start = performance.now();
  const out = await runSweep(path, { resultsDir: join(dir, 'results'), ...(trainer !== undefined ? { trainer } : {}) });
  const ms = performance.now() - start;
  const done = [...out.state.trials.values()].filter((t) => t.status === 'completed').length;
  if (done !== 100) throw new Error(`${name}: ${done} of 100 trials completed`);
  return ms / 100;
}

export async function benchCommand(): Promise<CommandBench> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-command-'));
  try {
    const noopMsPerTrial = await sweepMs(dir, 'noop', { type: 'classification', model: 'model', data: { train: 'train.jsonl' } }, syntheticTrainerUrl('noop'));
    const commandMsPerTrial = await sweepMs(dir, 'command', { type: 'command', command: PROGRAM });
    const metrics = join(dir, 'spawn.jsonl');
    const start = performance.now();
    for (let i = 0; i < 100; i++) spawnSync(PROGRAM[0]!, PROGRAM.slice(1), { env: { ...process.env, FINESWEEP_METRICS: metrics } });
    const spawnMs = (performance.now() - start) / 100;
    return { trials: 100, commandMsPerTrial, noopMsPerTrial, spawnMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatCommand(r: CommandBench): string {
  return `command trials: ${r.commandMsPerTrial.toFixed(1)} ms/trial; noop trials: ${r.noopMsPerTrial.toFixed(1)} ms/trial; the program alone: ${r.spawnMs.toFixed(1)} ms (${r.trials} each, 2 slots)`;
}

export interface ScaleBench {
  trials: number;
  msPerTrial: number;
  /** ms a trial of each successive thousand (the last may be partial). */
  perThousand: number[];
}

/** One sweep of `n` command trials (n/10 learning rates x 10 batch sizes, 2 slots). */
export async function benchCommandScale(n: number): Promise<ScaleBench> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-command-'));
  try {
    const path = join(dir, 'scale.json');
    writeFileSync(
      path,
      JSON.stringify({
        name: 'scale',
        task: { type: 'command', command: PROGRAM },
        parameters: { learning_rate: { values: values(n / 10, (i) => 1e-6 * (i + 1)) }, batch_size: { values: values(10, (i) => i + 1) }, epochs: { value: 1 } },
        resources: { gpus: 0, workers: 2, max_retries: 0 },
      }),
    );
    const start = performance.now();
    const out = await runSweep(path, { resultsDir: join(dir, 'results') });
    const ms = performance.now() - start;
    const ends = [...out.state.trials.values()].filter((t) => t.status === 'completed').map((t) => Date.parse(t.endedAt!)).sort((a, b) => a - b);
    if (ends.length !== n) throw new Error(`scale: ${ends.length} of ${n} trials completed`);
    const perThousand: number[] = [];
    let from = start + performance.timeOrigin;
    for (let i = 999; i < n + 999; i += 1000) {
      const j = Math.min(i, n - 1);
      perThousand.push((ends[j]! - from) / (j - (i - 999) + 1));
      from = ends[j]!;
    }
    return { trials: n, msPerTrial: ms / n, perThousand };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  if (n === undefined) console.log(formatCommand(await benchCommand()));
  else {
    if (!Number.isInteger(n) || n < 10 || n % 10 !== 0) throw new Error(`trials: expected a multiple of 10, got ${process.argv[2]}`);
    const r = await benchCommandScale(n);
    const k = r.perThousand;
    console.log(`${r.trials} command trials (2 slots): ${r.msPerTrial.toFixed(1)} ms/trial; ms a trial by thousand: ${k.map((x) => x.toFixed(1)).join(', ')}; last thousand / first: ${(k[k.length - 1]! / k[0]!).toFixed(2)}`);
  }
}
