// A synthetic finished sweep written straight into the store's layout (spec.resolved.json and
// journal.jsonl, no training): a grid of `trials` points with plausible learning curves, for the
// dashboard's large-sweep test and bench.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { specHash } from '../src/spec/hash.js';
import { validateSpec } from '../src/spec/validate.js';
import type { JournalEvent, JournalEventBody } from '../src/store/events.js';
import { expandTrials } from '../src/sweep/expand.js';

export interface SyntheticSweep {
  dir: string;
  ids: string[];
  /** The journal's last seq. */
  lastSeq: number;
}

/**
 * `lrs × batches × decays` trials, each `epochs` epochs; every `runningEvery`-th trial is left running
 * (its last epoch missing) and the sweep has no sweep_completed when any is.
 */
export async function writeSyntheticSweep(
  root: string,
  o: { name: string; lrs: number; batches: number; decays: number; epochs?: number; runningEvery?: number },
): Promise<SyntheticSweep> {
  const lrs = Array.from({ length: o.lrs }, (_, i) => Number((1e-5 * 10 ** ((3 * i) / Math.max(1, o.lrs - 1))).toPrecision(3)));
  const batches = Array.from({ length: o.batches }, (_, i) => 8 * 2 ** i);
  const decays = Array.from({ length: o.decays }, (_, i) => Number((i / Math.max(1, o.decays)).toFixed(4)) / 10);
  const spec = validateSpec(
    {
      name: o.name,
      task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
      parameters: { learning_rate: { values: lrs }, batch_size: { values: batches }, epochs: { value: o.epochs ?? 3 }, weight_decay: { values: decays } },
    },
    'spec.json',
  );
  const planned = expandTrials(spec);
  const epochs = o.epochs ?? 3;
  const bodies: JournalEventBody[] = [{ type: 'sweep_started', name: spec.name, spec_hash: specHash(spec), trials: planned.length, resumed: false, pid: 1, host: 'synthetic' }];
  let running = 0;
  for (const p of planned) {
    const lr = p.params.learning_rate as number;
    const wd = p.params.weight_decay as number;
    const isRunning = o.runningEvery !== undefined && p.index % o.runningEvery === o.runningEvery - 1;
    bodies.push({ type: 'trial_started', trial_id: p.id, index: p.index, params: p.params, slot: p.index % 2, attempt: 1, from_epoch: 0 });
    const skill = Math.abs(Math.log10(lr) + 3.5) / 2 + wd;
    for (let e = 1; e <= (isRunning ? epochs - 1 : epochs); e++) {
      const train = 0.2 + skill * 0.3 + 0.5 * Math.exp(-e / 2);
      bodies.push({ type: 'epoch_ended', trial_id: p.id, metrics: { epoch: e, train_loss: round(train), val_loss: round(train + 0.05 + 0.01 * e * skill), val_accuracy: round(1 - train / 1.4), seconds: 2 } });
    }
    if (isRunning) running++;
    else bodies.push({ type: 'trial_completed', trial_id: p.id, seconds: 2 * epochs });
  }
  if (running === 0) bodies.push({ type: 'sweep_completed', completed: planned.length, failed: 0, diverged: 0, stopped_early: 0 });
  const t0 = Date.parse('2026-11-30T08:00:00Z');
  const events = bodies.map((b, i) => ({ seq: i + 1, time: new Date(t0 + i * 100).toISOString(), ...b }) as JournalEvent);
  const dir = join(root, spec.name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'spec.resolved.json'), JSON.stringify({ hash: specHash(spec), spec }, null, 2));
  await writeFile(join(dir, 'journal.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return { dir, ids: planned.map((p) => p.id), lastSeq: events.length };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
