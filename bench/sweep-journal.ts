// A large synthetic sweep written straight into the store's layout (spec.resolved.json and
// journal.jsonl), without running a trial: the report benchmark and the reporter's scale tests read
// it. Trials are drawn from a seeded generator; their curves follow the learning rate (too low barely
// moves, too high diverges), and some carry extreme numbers (1e-320, 1e300, huge learning rates) so
// the formatters meet them as a real store might hold them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochMetrics } from '../src/trial/types.js';
import { specHash } from '../src/spec/hash.js';
import type { ResolvedSpec } from '../src/spec/types.js';
import { validateSpec } from '../src/spec/validate.js';
import { expandTrials } from '../src/sweep/expand.js';
import type { JournalEvent, JournalEventBody } from '../src/store/events.js';
import { mulberry32 } from '../src/rng.js';

// The seeded generator of src/rng.ts: the same seed gives the same forest (or sweep).
const rng = mulberry32;

export function syntheticSpec(trials: number, name = 'synthetic'): ResolvedSpec {
  return validateSpec(
    {
      name,
      description: `${trials} synthetic trials written straight into a journal`,
      task: { type: 'classification', model: '../models/base', data: { train: 'data/spam.jsonl' } },
      strategy: { type: 'random', trials },
      parameters: {
        learning_rate: { distribution: 'log_uniform', min: 1e-7, max: 10 },
        batch_size: { values: [8, 16, 32, 64] },
        epochs: { distribution: 'int_uniform', min: 1, max: 5 },
        weight_decay: { distribution: 'uniform', min: 0, max: 0.1 },
        dropout: { distribution: 'uniform', min: 0, max: 0.5 },
        method: { values: ['full', 'head', 'top_k'] },
      },
      objective: { metric: 'val_loss' },
    },
    'synthetic.json',
  );
}

const PRIOR = 0.61;

/** Journal events of a finished sweep of `n` trials. */
export function syntheticEvents(n: number, spec: ResolvedSpec = syntheticSpec(n)): JournalEvent[] {
  const r = rng(n);
  const bodies: JournalEventBody[] = [{ type: 'sweep_started', name: spec.name, spec_hash: specHash(spec), trials: n, resumed: false, pid: 1, host: 'bench' }];
  const report = {
    train: { file: 'train.jsonl', count: 960, emptyTexts: 0, duplicates: 0, truncated: 0, labels: { ham: 672, spam: 288 } },
    validation: { file: 'train.jsonl', count: 240, emptyTexts: 0, duplicates: 0, truncated: 0, labels: { ham: 168, spam: 72 } },
    leakage: { count: 0, examples: [] },
    warnings: [],
    priorLoss: PRIOR,
    majorityRate: 0.7,
  };
  const counts = { completed: 0, failed: 0, diverged: 0, stopped_early: 0 };
  // The plan's own trials (ids and parameters), so `resume` recognises every one as finished.
  const planned = expandTrials(spec, { maxTrials: Math.max(n, 10_000) });
  for (let i = 0; i < n; i++) {
    const p = planned[i];
    const params = p.params as { learning_rate: number; batch_size: number; epochs: number; weight_decay: number; dropout: number; method: string };
    const id = p.id;
    bodies.push({ type: 'trial_started', trial_id: id, index: p.index, params: p.params, slot: i % 2, attempt: 1, from_epoch: 0 });
    bodies.push({ type: 'data_report', trial_id: id, report, backend: 'wasm' });
    const decades = Math.log10(params.learning_rate) + 3.5;
    const fate = r();
    if (fate < 0.02) {
      bodies.push({ type: 'trial_failed', trial_id: id, attempt: 1, error: 'worker exited with code 1', will_retry: false });
      counts.failed++;
      continue;
    }
    const extreme = i % 1009 === 7;
    let stopAt = params.epochs;
    if (fate > 0.97 && params.epochs > 1) stopAt = 1;
    const floor = 0.22 + 0.04 * decades * decades + params.weight_decay * 0.3 + 0.02 * r();
    let blewUp = false;
    for (let e = 1; e <= stopAt; e++) {
      let train = PRIOR - (PRIOR - floor + 0.05) * (1 - Math.exp(-e * Math.min(3, 10 ** (decades / 2))));
      let val = train + 0.03 + 0.01 * e * (params.dropout < 0.1 ? 1 : 0);
      if (params.learning_rate > 1) {
        train = 40 * params.learning_rate * e;
        val = 10 * params.learning_rate;
        blewUp = true;
      }
      if (extreme) {
        train = e === 1 ? 1e-320 : 1e300;
        val = e === 1 ? -0 : 5e-324;
      }
      const metrics: EpochMetrics = {
        epoch: e,
        train_loss: train,
        val_loss: val,
        train_accuracy: Math.max(0, 1 - train),
        val_accuracy: Math.max(0, Math.min(1, 1 - val / 1.2)),
        val_f1: Math.max(0, Math.min(1, 0.9 - val / 1.3)),
        seconds: 2 + r() * 3,
      };
      bodies.push({ type: 'epoch_ended', trial_id: id, metrics });
    }
    const forgetting = { basePerplexity: 124.3, finalPerplexity: extreme ? 1e300 : 124.3 * (1 + (params.method === 'head' ? 0 : Math.max(0, decades) * params.epochs * 0.4)) };
    if (fate > 0.97 && stopAt < params.epochs) {
      bodies.push({ type: 'trial_stopped_early', trial_id: id, epoch: stopAt, reason: 'asha rung 0 (epoch 1): not in the top third' });
      counts.stopped_early++;
    } else if (blewUp && fate < 0.3) {
      bodies.push({ type: 'trial_diverged', trial_id: id, epoch: stopAt, reason: `loss is NaN at step ${stopAt * 30}` });
      counts.diverged++;
    } else {
      bodies.push({ type: 'trial_completed', trial_id: id, seconds: 5 + r() * 20, forgetting, initial_val_loss: 0.72 });
      counts.completed++;
    }
  }
  bodies.push({ type: 'sweep_completed', ...counts });
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  return bodies.map((b, i) => ({ ...b, seq: i + 1, time: new Date(t0 + i * 10).toISOString() }) as JournalEvent);
}

/** Writes an n-trial finished sweep under `root`; returns its directory. */
export async function writeSyntheticSweep(root: string, n: number, name = `synthetic-${n}`): Promise<string> {
  const spec = syntheticSpec(n, name);
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'spec.resolved.json'), JSON.stringify({ hash: specHash(spec), spec }, null, 2));
  await writeFile(join(dir, 'journal.jsonl'), syntheticEvents(n, spec).map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}
