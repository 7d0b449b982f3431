// Figures for LoRA and few-shot on the spam task (one run, wasm, one trial at a time):
// lora at three ranks vs full vs head (best val_accuracy, trainable parameters, checkpoint bytes,
// examples/s) and the shots curve (val_accuracy at 8 / 32 / 128 / all examples per class).
// `npm run build && node dist/bench/methods.js` (not part of `npm run bench`: ~10 min here).
import { readdirSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointDir } from '../src/trial/layout.js';
import { bestWeightsPath } from '../src/engine/kept.js';
import { runTrial } from '../src/engine/trial.js';
import type { TrialConfig } from '../src/engine/types.js';

const root = join(import.meta.dirname, '..', '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

function config(name: string, method: TrialConfig['task']['method'], params: Partial<TrialConfig['params']>): TrialConfig {
  return {
    trialId: name,
    seed: 42,
    task: {
      type: 'classification',
      model: join(root, 'models/base'),
      data: { train: join(root, 'sweeps/data/spam.jsonl'), split: 0.2, textField: 'text', labelField: 'label', maxExamples: 1200, seed: 42 },
      method,
      topK: 1,
      forgetting: false,
    },
    params: { learning_rate: 1e-3, batch_size: 32, epochs: 3, ...params },
    backend: 'wasm',
    objective: { metric: 'val_accuracy', goal: 'maximize' },
    dir: mkdtempSync(join(tmpdir(), `finesweep-bench-${name}-`)),
  };
}

interface Row { name: string; best: number; trainable: number; checkpoint: number; weights: number; examplesPerS: number }

async function measure(c: TrialConfig): Promise<Row> {
  const r = await runTrial(c);
  const ckpts = readdirSync(checkpointDir(c.dir)).sort();
  const training = r.dataReport!.training!;
  const trainSeconds = r.epochs.reduce((a, m) => a + (m.seconds ?? 0), 0);
  const row = {
    name: c.trialId,
    best: Math.max(...r.epochs.map((m) => m.val_accuracy ?? 0)),
    trainable: training.trainableParameters,
    checkpoint: statSync(join(checkpointDir(c.dir), ckpts.at(-1)!)).size,
    weights: statSync(bestWeightsPath(c.dir)).size,
    // Epoch seconds include the validation pass; examples are training examples seen.
    examplesPerS: (r.dataReport!.train.count * r.epochs.length) / trainSeconds,
  };
  log(`${row.name}: best val_accuracy ${row.best.toFixed(4)}, trainable ${row.trainable}, checkpoint ${row.checkpoint} B, weights ${row.weights} B, ${row.examplesPerS.toFixed(1)} examples/s`);
  return row;
}

const rows: Row[] = [];
rows.push(await measure(config('full', 'full', { learning_rate: 1e-3 })));
rows.push(await measure(config('head', 'head', { learning_rate: 1e-2 })));
for (const rank of [2, 8, 32]) rows.push(await measure(config(`lora-r${rank}`, 'lora', { learning_rate: 1e-2, lora_rank: rank, lora_alpha: 16 })));
const shots: Row[] = [];
for (const k of [8, 32, 128]) shots.push(await measure(config(`shots-${k}`, 'full', { learning_rate: 1e-3, shots: k })));
shots.push({ ...rows[0], name: 'shots-all' });

const table = ['| trial | best val_accuracy | trainable params | checkpoint bytes | best-weights bytes | examples/s |', '|---|---:|---:|---:|---:|---:|'];
for (const r of [...rows, ...shots]) table.push(`| ${r.name} | ${r.best.toFixed(4)} | ${r.trainable} | ${r.checkpoint} | ${r.weights} | ${r.examplesPerS.toFixed(1)} |`);
process.stdout.write(`${table.join('\n')}\n`);
