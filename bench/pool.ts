// The pool's benchmark. Runnable alone: `npm run build && node dist/bench/pool.js [--overhead-only]`.
// 1. Orchestration overhead: 1,000 'noop' trials (no training) through the whole path — spec
//    expansion, the pool's worker threads, the journal with fsync, progress in plain mode to a null
//    stream — in wall time per trial. Anchors: Ray Tune documents about 9 ms a trial, Optuna about
//    1 ms for trivial trials; goal ≤ 5 ms.
// 2. Slot speed-up: the same 8 small real fine-tunes (wasm) with 1 slot and with 2 slots; goal ≥ 1.7×
//    on a 2-core machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ProgressDisplay } from '../src/cli/progress.js';
import { selectBackend } from '../src/engine/backend.js';
import { TransformerLM } from '../src/engine/model.js';
import { saveBaseModel } from '../src/engine/model-io.js';
import { Tokenizer } from '../src/engine/tokenizer.js';
import { runSweep } from '../src/sweep/session.js';
import { syntheticTrainerUrl } from './trainers/index.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');

export interface OverheadResult {
  /** ms/trial of every run, when several were made (the figures are their median run). */
  runsMs?: number[];
  trials: number;
  seconds: number;
  msPerTrial: number;
  journalEvents: number;
  journalEventsPerSecond: number;
}

export interface SpeedupResult {
  trials: number;
  oneSlotSeconds: number;
  twoSlotSeconds: number;
  speedup: number;
  /** CPU seconds per wall second of this process (its trial threads included): ~1 and ~2 when the cores are free. */
  oneSlotCpu: number;
  twoSlotCpu: number;
  /** The machine's 1-minute load average when the run ended: other work competing for the cores. */
  loadAverage: number;
}

export interface PoolBench {
  overhead: OverheadResult;
  speedup?: SpeedupResult;
}

function nullStream(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

function values(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** 1,000 noop trials (a 40 × 25 grid) through runSweep with 2 slots. */
export async function benchOverhead(trials = 1000): Promise<OverheadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-pool-'));
  try {
    const batches = 25;
    const lrs = Math.ceil(trials / batches);
    const spec = {
      name: 'overhead',
      task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
      parameters: {
        learning_rate: { values: values(lrs, (i) => 1e-5 * 1.2 ** i) },
        batch_size: { values: values(batches, (i) => i + 1) },
        epochs: { value: 1 },
      },
      resources: { gpus: 0, workers: 2 },
    };
    const path = join(dir, 'overhead.json');
    writeFileSync(path, JSON.stringify(spec));
    const progress = new ProgressDisplay(nullStream(), { live: false });
    const start = performance.now();
    const out = await runSweep(path, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop'), maxTrials: lrs * batches, onProgress: progress.onProgress });
    const seconds = (performance.now() - start) / 1000;
    const n = out.state.trials.size;
    const journalEvents = readFileSync(join(out.dir, 'journal.jsonl'), 'utf8').trim().split('\n').length;
    return { trials: n, seconds, msPerTrial: (seconds * 1000) / n, journalEvents, journalEventsPerSecond: journalEvents / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same 8 small real trials (a 2-block d=64 model, 1 epoch on 480 examples, wasm) with 1 and 2 slots. */
export async function benchSpeedup(trials = 8): Promise<SpeedupResult> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-slots-'));
  try {
    const rows = readFileSync(join(ROOT, 'sweeps/data/spam.jsonl'), 'utf8').trim().split('\n');
    const ham = rows.filter((r) => r.includes('"label":"ham"')).slice(0, 300);
    const spam = rows.filter((r) => r.includes('"label":"spam"')).slice(0, 180);
    writeFileSync(join(dir, 'train.jsonl'), [...ham, ...spam].join('\n') + '\n');
    await selectBackend('cpu');
    const texts = [...ham, ...spam].slice(0, 200).map((r) => (JSON.parse(r) as { text: string }).text);
    const model = TransformerLM.create({ vocabSize: 1024, contextLength: 64, dModel: 64, nHeads: 4, nLayers: 2, dFF: 128, tiedHead: true }, 1);
    await saveBaseModel(join(dir, 'model'), model, Tokenizer.train(texts, 1024), { name: 'bench-tiny' }, texts.slice(0, 3));
    tf.disposeVariables();
    const seconds = async (workers: number): Promise<[number, number]> => {
      const name = `slots-${workers}`;
      const path = join(dir, `${name}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          name,
          seed: 1,
          task: { type: 'classification', model: 'model', data: { train: 'train.jsonl', split: 0.2 }, forgetting: false },
          parameters: { learning_rate: { values: values(trials, (i) => 1e-4 * 1.5 ** i) }, batch_size: { value: 32 }, epochs: { value: 1 } },
          resources: { gpus: 0, workers, backend: 'wasm' },
        }),
      );
      const start = performance.now();
      const cpu = process.cpuUsage();
      await runSweep(path, { resultsDir: join(dir, 'results') });
      const wall = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      return [wall, (used.user + used.system) / 1e6 / wall];
    };
    const [oneSlotSeconds, oneSlotCpu] = await seconds(1);
    const [twoSlotSeconds, twoSlotCpu] = await seconds(2);
    return { trials, oneSlotSeconds, twoSlotSeconds, speedup: oneSlotSeconds / twoSlotSeconds, oneSlotCpu, twoSlotCpu, loadAverage: loadavg()[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchPool(opts: { overheadTrials?: number; realTrials?: number; overheadOnly?: boolean; repeats?: number } = {}): Promise<PoolBench> {
  // The overhead is fsync-bound and moves with the disk's other work: report the median of a few runs.
  const runs: OverheadResult[] = [];
  for (let i = 0; i < (opts.repeats ?? 3); i++) runs.push(await benchOverhead(opts.overheadTrials));
  runs.sort((a, b) => a.msPerTrial - b.msPerTrial);
  const overhead = { ...runs[Math.floor(runs.length / 2)], runsMs: runs.map((r) => r.msPerTrial) };
  const speedup = opts.overheadOnly ? undefined : await benchSpeedup(opts.realTrials);
  return { overhead, speedup };
}

export function formatPool(r: PoolBench): string {
  const o = r.overhead;
  const lines = [
    `pool overhead: ${o.trials} noop trials in ${o.seconds.toFixed(2)} s = ${o.msPerTrial.toFixed(2)} ms/trial ` +
      (o.runsMs && o.runsMs.length > 1 ? `(median of ${o.runsMs.map((m) => m.toFixed(2)).join(', ')}) ` : '') +
      `(goal ≤ 5; Ray Tune ~9, Optuna ~1); journal ${o.journalEvents} fsynced events at ${Math.round(o.journalEventsPerSecond)}/s`,
  ];
  if (r.speedup) {
    const s = r.speedup;
    lines.push(
      `pool speed-up: ${s.trials} real trials, 1 slot ${s.oneSlotSeconds.toFixed(1)} s, 2 slots ${s.twoSlotSeconds.toFixed(1)} s = ${s.speedup.toFixed(2)}× (goal ≥ 1.7×); ` +
        `CPU used ${s.oneSlotCpu.toFixed(2)} / ${s.twoSlotCpu.toFixed(2)} cores, load average ${s.loadAverage.toFixed(1)} on ${availableParallelism()} cores`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchPool({ overheadOnly: process.argv.includes('--overhead-only') });
  process.stdout.write(`${formatPool(result)}\n`);
}
