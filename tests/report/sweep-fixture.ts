// An interrupted grid sweep on disk, in the store's layout (results/<name>/spec.resolved.json as
// {hash, spec}, journal.jsonl): four trials finished, one failed, one running mid-epoch, one diverged,
// one never started. Built from the real spec validator and trial expansion.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochMetrics } from '../../src/trial/types.js';
import type { ResolvedSpec } from '../../src/spec/types.js';
import { specHash } from '../../src/spec/hash.js';
import { validateSpec } from '../../src/spec/validate.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { expandTrials } from '../../src/sweep/expand.js';
import { dataReport } from './curves.js';

export function demoSpec(extra: Record<string, unknown> = {}): ResolvedSpec {
  return validateSpec(
    {
      name: 'spam-grid',
      description: 'Spam classification: learning rate × batch size',
      task: { type: 'classification', model: '../models/tiny', data: { train: 'data/spam.jsonl' } },
      parameters: {
        learning_rate: { values: [1e-5, 1e-4, 3e-4, 1e-3] },
        batch_size: { values: [8, 16] },
        epochs: { value: 5 },
      },
      ...extra,
    },
    'spec.json',
  );
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** A plausible curve for a learning rate: too low barely moves, too high overfits. */
export function curveFor(lr: number, bs: number, n: number): EpochMetrics[] {
  return Array.from({ length: n }, (_, i) => {
    const e = i + 1;
    let train: number;
    let val: number;
    if (lr <= 1e-5) {
      train = 0.69 - 0.002 * e;
      val = 0.692 - 0.0015 * e;
    } else if (lr <= 1e-4) {
      train = 0.2 + 0.5 * Math.exp(-e / (bs / 8 + 0.8));
      val = 0.26 + 0.45 * Math.exp(-e / (bs / 8 + 0.8));
    } else {
      train = 0.6 * Math.exp(-e * (bs === 8 ? 0.9 : 0.6));
      val = 0.3 + 0.04 * (e - 2) ** 2 * (bs === 8 ? 1.6 : 0.6);
    }
    return { epoch: e, train_loss: round(train), val_loss: round(val), val_accuracy: round(1 - val / 1.2), seconds: 3 + bs / 8 };
  });
}

export interface DemoSweep {
  spec: ResolvedSpec;
  events: JournalEvent[];
  /** Trial ids by what happened to them. */
  ids: { completed: string[]; running: string; failed: string; diverged: string; pending: string[] };
}

/** Journal events of an interrupted sweep (no sweep_completed). */
export function interruptedSweep(spec: ResolvedSpec = demoSpec(), opts: { name?: string; error?: string } = {}): DemoSweep {
  const planned = expandTrials(spec);
  const bodies: JournalEventBody[] = [
    { type: 'sweep_started', name: opts.name ?? spec.name, spec_hash: specHash(spec), trials: planned.length, resumed: false, pid: 4242, host: 'lab' },
  ];
  const epochs = 5;
  const start = (i: number, slot: number) => {
    const p = planned[i];
    bodies.push({ type: 'trial_started', trial_id: p.id, index: p.index, params: p.params, slot, attempt: 1, from_epoch: 0 });
    bodies.push({ type: 'data_report', trial_id: p.id, report: dataReport(), backend: 'wasm' });
  };
  const run = (i: number, n: number) => {
    const p = planned[i];
    for (const metrics of curveFor(p.params.learning_rate as number, p.params.batch_size as number, n)) {
      bodies.push({ type: 'epoch_ended', trial_id: p.id, metrics });
    }
  };
  // Trials 0, 2, 3, 6 complete; 1 fails; 7 diverges; 5 is running at epoch 2 when the sweep is
  // killed; 4 never started.
  const completed = [0, 2, 3, 6];
  for (const i of completed) {
    start(i, 0);
    run(i, epochs);
    bodies.push({ type: 'trial_completed', trial_id: planned[i].id, seconds: 20, initial_val_loss: 0.7 });
  }
  start(1, 1);
  run(1, 1);
  bodies.push({ type: 'trial_failed', trial_id: planned[1].id, attempt: 1, error: opts.error ?? 'worker exited with code 1', will_retry: false });
  start(7, 1);
  run(7, 2);
  bodies.push({ type: 'trial_diverged', trial_id: planned[7].id, epoch: 3, reason: 'loss is NaN at epoch 3' });
  start(5, 0);
  run(5, 2);
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  const events = bodies.map((b, i) => ({ ...b, seq: i + 1, time: new Date(t0 + i * 1000).toISOString() }) as JournalEvent);
  return {
    spec,
    events,
    ids: {
      completed: completed.map((i) => planned[i].id),
      failed: planned[1].id,
      diverged: planned[7].id,
      running: planned[5].id,
      pending: [planned[4].id],
    },
  };
}

/** Writes the sweep in the store's layout; returns the sweep directory. */
export async function writeSweep(root: string, sweep: DemoSweep): Promise<string> {
  const dir = join(root, 'results', sweep.spec.name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'spec.resolved.json'), JSON.stringify({ hash: specHash(sweep.spec), spec: sweep.spec }, null, 2));
  await writeFile(join(dir, 'journal.jsonl'), sweep.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}

/** A one-epoch spec whose trials validate every 10 of their steps (the step-keyed sweep of the reports' tests). */
export function stepSpec(): ResolvedSpec {
  return validateSpec(
    {
      name: 'spam-steps',
      task: { type: 'classification', model: '../models/tiny', data: { train: 'data/spam.jsonl' }, eval_every_steps: 10 },
      parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { values: [8, 16] }, epochs: { value: 1 } },
    },
    'spec.json',
  );
}

/**
 * One epoch of `steps` optimizer steps evaluated every 10 (and at the last step): val loss bottoms
 * out at step `bestAt`, so the best evaluation lies mid-epoch.
 */
export function stepCurve(steps: number, bestAt: number, shift = 0): EpochMetrics[] {
  const marks = Array.from({ length: Math.ceil(steps / 10) }, (_, i) => Math.min(steps, (i + 1) * 10));
  return marks.map((step) => ({
    epoch: step === steps ? 1 : round(step / steps),
    step,
    train_loss: round(0.7 - 0.5 * (step / steps) + shift),
    val_loss: round(0.3 + shift + 0.00005 * (step - bestAt) ** 2),
    seconds: 0.5,
  }));
}

/** A finished one-epoch sweep evaluated every 10 steps: batch 8 runs 60 steps, batch 16 runs 30. */
export function stepSweep(spec: ResolvedSpec = stepSpec()): DemoSweep {
  const planned = expandTrials(spec);
  const bodies: JournalEventBody[] = [{ type: 'sweep_started', name: spec.name, spec_hash: specHash(spec), trials: planned.length, resumed: false, pid: 4242, host: 'lab' }];
  planned.forEach((p, i) => {
    const steps = p.params.batch_size === 8 ? 60 : 30;
    bodies.push({ type: 'trial_started', trial_id: p.id, index: p.index, params: p.params, slot: 0, attempt: 1, from_epoch: 0 });
    bodies.push({ type: 'data_report', trial_id: p.id, report: dataReport(), backend: 'wasm' });
    for (const metrics of stepCurve(steps, steps === 60 ? 40 : 20, i * 0.01)) bodies.push({ type: 'epoch_ended', trial_id: p.id, metrics });
    bodies.push({ type: 'trial_completed', trial_id: p.id, seconds: 10 + i, initial_val_loss: 0.7 });
  });
  bodies.push({ type: 'sweep_completed', completed: planned.length, failed: 0, diverged: 0, stopped_early: 0 });
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  const events = bodies.map((b, i) => ({ ...b, seq: i + 1, time: new Date(t0 + i * 1000).toISOString() }) as JournalEvent);
  return { spec, events, ids: { completed: planned.map((p) => p.id), running: '', failed: '', diverged: '', pending: [] } };
}
