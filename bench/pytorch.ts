// Training throughput of the PyTorch example (examples/pytorch/train.py) beside the engine's wasm
// backend, in the same run, on the same model (models/base), the same data (one file of spam rows,
// the same seeded 80/20 split, so the same 416 training examples) and the same batch size, one
// thread each (wasm is single-threaded in Node; the script runs with --threads 1). Both count
// examples/s over an epoch's training steps after the first (a warm-up), evaluation excluded, per
// second of wall time and per second of the process's CPU time (the machine may be shared: a
// process that waits for a core loses wall time, not CPU time).
// Runnable alone: `node dist/bench/pytorch.js`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../src/engine/backend.js';
import { fineTune } from '../src/engine/fine-tune.js';
import { loadBaseModel } from '../src/engine/model-io.js';
import type { TrialConfig } from '../src/engine/types.js';

const root = join(import.meta.dirname, '..', '..');
const MODEL = join(root, 'models', 'base');
const SCRIPT = join(root, 'examples', 'pytorch', 'train.py');
const PYTHON = '/usr/bin/python3';
const BATCH = 32;
const STEPS = 13;
const SPLIT = 0.2;
const DATA_SEED = 1;

interface Rate {
  wall: number;
  cpu: number;
}

export interface PytorchBench {
  batchSize: number;
  trainExamples: number;
  tfjs: Rate;
  /** undefined where /usr/bin/python3 has no torch; `why` says so. */
  torch?: Rate;
  why?: string;
}

async function tfjsRate(train: string, dir: string): Promise<Rate> {
  await selectBackend('wasm');
  const base = await loadBaseModel(MODEL);
  const trial: TrialConfig = {
    trialId: 'bench-pytorch-vs-tfjs',
    seed: 1,
    task: { type: 'classification', model: MODEL, data: { train, split: SPLIT, seed: DATA_SEED, textField: 'text', labelField: 'label' }, method: 'full', topK: 1, forgetting: false },
    params: { learning_rate: 1e-4, batch_size: BATCH, epochs: 1 },
    backend: 'wasm',
    dir,
  };
  const stamps: Array<[number, number]> = [];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const result = await fineTune(trial, { onEvent: (e) => e.type === 'step' && stamps.push([performance.now() / 1000, cpu()]) }, base, 'wasm');
  if (result.outcome !== 'completed' || stamps.length !== STEPS) throw new Error(`bench trial ${result.outcome}: ${result.reason ?? `${stamps.length} steps`}`);
  const timed = (STEPS - 1) * BATCH;
  const [first, last] = [stamps[0]!, stamps.at(-1)!];
  return { wall: timed / (last[0] - first[0]), cpu: timed / (last[1] - first[1]) };
}

function torchRate(train: string, dir: string): Rate | string {
  const metrics = join(dir, 'metrics.jsonl');
  const args = [SCRIPT, '--lr', '1e-4', '--batch-size', String(BATCH), '--epochs', '1', '--threads', '1', '--data', train, '--split', String(SPLIT), '--data-seed', String(DATA_SEED), '--max-examples', '100000'];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, FINESWEEP_METRICS: metrics, FINESWEEP_SEED: '1' } });
  if (r.error || r.status !== 0) return `not measured: ${PYTHON} ${r.error ? 'is missing' : `failed (${r.stderr.trim().split('\n').at(-1)})`}; install Debian's python3-torch`;
  const [epoch] = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { examples_per_second: number; examples_per_cpu_second: number });
  return { wall: epoch!.examples_per_second, cpu: epoch!.examples_per_cpu_second };
}

export async function benchPytorch(): Promise<PytorchBench> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-pytorch-'));
  try {
    // 520 rows, half ham and half spam: the split holds out 104 and leaves 416 = 13 batches of 32.
    const lines = readFileSync(join(root, 'sweeps/data/spam.jsonl'), 'utf8').trim().split('\n');
    const n = Math.round((BATCH * STEPS) / (1 - SPLIT));
    const rows = [...lines.filter((l) => l.includes('"ham"')).slice(0, n / 2), ...lines.filter((l) => l.includes('"spam"')).slice(0, n / 2)];
    const train = join(dir, 'train.jsonl');
    writeFileSync(train, rows.join('\n') + '\n');
    const tfjs = await tfjsRate(train, dir);
    const torch = torchRate(train, dir);
    return { batchSize: BATCH, trainExamples: BATCH * STEPS, tfjs, ...(typeof torch === 'string' ? { why: torch } : { torch }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (r: Rate) => `${r.wall.toFixed(1)} examples/s (${r.cpu.toFixed(1)} per CPU second)`;

export function formatPytorch(b: PytorchBench): string {
  return `pytorch example: ${b.torch ? rate(b.torch) : b.why}; tfjs engine (wasm): ${rate(b.tfjs)} (classification, full, batch ${b.batchSize}, ${b.trainExamples} examples, one thread each)`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatPytorch(await benchPytorch())}\n`);
}
