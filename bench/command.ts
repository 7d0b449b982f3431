// The command trainer's per-trial overhead. Runnable alone: `npm run build && node dist/bench/command.js`,
// or `node dist/bench/command.js 10000 [rounds]` for both arms side by side at that many trials: one
// finesweep sweep of command trials and one Optuna 3.1 study (bench/command_optuna.py: the same program
// per trial from a JournalFileStorage study, n_jobs=2), alternating which goes first each round so that
// the machine's load hits both alike; with the ms a trial of each thousand (from the trials' end
// times): a cost that grows with the sweep shows there.
// The same 100-trial grid (10 learning rates x 10 batch sizes, 1 epoch, 2 slots) through runSweep
// twice, in one run: as command trials of a program that reports one epoch and exits (/bin/sh,
// so that the figure is finesweep's cost and one process start, not an interpreter's start-up), and
// as in-process synthetic 'noop' trials. Beside them, the bare cost of starting that program 100
// times (spawnSync, one at a time), to separate the process start from finesweep's own share.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
export async function benchCommandScale(n: number, run: typeof runSweep = runSweep): Promise<ScaleBench> {
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
    const out = await run(path, { resultsDir: join(dir, 'results') });
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

/** The Python arm (run from dist/bench/ or bench/: the script stays in the source tree). */
const OPTUNA_ARM = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../bench/command_optuna.py' : './command_optuna.py', import.meta.url));

/** The same program, `n` trials, as an Optuna 3.1 study with JournalFileStorage and n_jobs=2. */
export function benchOptunaCommand(n: number): ScaleBench {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-optuna-'));
  try {
    const out = execFileSync('/usr/bin/python3', [OPTUNA_ARM, String(n), dir, JSON.stringify(PROGRAM)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { ms_per_trial: number; per_thousand: number[] };
    return { trials: n, msPerTrial: r.ms_per_trial, perThousand: r.per_thousand };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ARMS: Record<string, (n: number) => Promise<ScaleBench> | ScaleBench> = {
  finesweep: (n) => benchCommandScale(n),
  optuna: benchOptunaCommand,
};
// A before/after of a change in one run: BENCH_BASELINE=<another build's dist/> adds its runSweep as a third arm.
const baseline = process.env.BENCH_BASELINE;
if (baseline !== undefined) {
  const mod = (await import(pathToFileURL(join(baseline, 'src/sweep/session.js')).href)) as { runSweep: typeof runSweep };
  ARMS.baseline = (n) => benchCommandScale(n, mod.runSweep);
}

function formatArm(name: string, runs: ScaleBench[]): string {
  const ms = runs.reduce((a, r) => a + r.msPerTrial, 0) / runs.length;
  const each = runs.map((r) => `${r.msPerTrial.toFixed(1)} ms/trial (by thousand: ${r.perThousand.map((x) => x.toFixed(1)).join(', ')}; last/first ${(r.perThousand[r.perThousand.length - 1]! / r.perThousand[0]!).toFixed(2)})`);
  return `${name.padEnd(9)} ${ms.toFixed(1)} ms/trial: ${each.join('; ')}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const rounds = process.argv[3] === undefined ? 1 : Number(process.argv[3]);
  if (n === undefined) console.log(formatCommand(await benchCommand()));
  else {
    if (!Number.isInteger(n) || n < 10 || n % 10 !== 0) throw new Error(`trials: expected a multiple of 10, got ${process.argv[2]}`);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds: expected a positive integer, got ${process.argv[3]}`);
    const names = Object.keys(ARMS);
    const runs: Record<string, ScaleBench[]> = Object.fromEntries(names.map((k) => [k, []]));
    const load0 = loadavg()[0]!;
    for (let r = 0; r < rounds; r++) {
      // Alternate the order (A B, B A, ...) so that neither arm always meets the same part of a load that drifts.
      for (const name of r % 2 === 0 ? names : [...names].reverse()) runs[name]!.push(await ARMS[name]!(n));
    }
    const mean = (k: string): number => runs[k]!.reduce((a, r) => a + r.msPerTrial, 0) / runs[k]!.length;
    console.log(`${n} trials of one program (2 at a time), ${rounds} round(s), load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
    for (const name of names) console.log(formatArm(name, runs[name]!));
    console.log(`finesweep / optuna: ${(mean('finesweep') / mean('optuna')).toFixed(2)}`);
  }
}
