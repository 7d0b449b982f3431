// A sweep of real fine-tunes (the tfjs trainer, wasm, tiny data) evaluated every 2 steps, with
// ASHA on steps: every evaluation is journaled with its step, the stop is decided on steps, and a
// resume after a kill -9 that lost the stop writes exactly the same stop.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('a sweep evaluated every N steps with ASHA on steps', () => {
  it('journals every evaluation with its step, stops on a step rung, and replays that stop on resume', async () => {
    const dir = tempDir('finesweep-steps-sweep-');
    const rows = readFileSync(join(ROOT, 'sweeps/data/spam.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'train.jsonl'), [...rows.filter((r) => r.includes('"ham"')).slice(0, 24), ...rows.filter((r) => r.includes('"spam"')).slice(0, 24)].join('\n') + '\n');
    const spec = {
      name: 'steps-sweep',
      seed: 5,
      task: { type: 'classification', model: join(ROOT, 'models/base'), data: { train: 'train.jsonl', split: 0.25, max_length: 32 }, method: 'head', forgetting: false, eval_every_steps: 2 },
      // The first trial learns, the second barely moves: the second is the worse at the first rung.
      parameters: { learning_rate: { values: [3e-2, 1e-7] }, batch_size: { value: 8 }, epochs: { value: 2 } },
      objective: { metric: 'val_loss', goal: 'minimize' },
      early_stopping: { type: 'asha', min_steps: 2, reduction_factor: 2 },
      resources: { gpus: 0, workers: 1, backend: 'wasm' },
    };
    const path = join(dir, 'spec.json');
    writeFileSync(path, JSON.stringify(spec));
    const out = await runSweep(path, { resultsDir: join(dir, 'results') });
    const events = journal(out.dir);
    // 36 training texts, batch 8: 5 steps an epoch; evaluations at steps 2, 4, 5 (epoch end), 6, 8, 10.
    const first = ofType(events, 'epoch_ended').filter((e) => e.trial_id === ofType(events, 'trial_started')[0].trial_id);
    expect(first.map((e) => [e.metrics.step, e.metrics.epoch])).toEqual([[2, 0.4], [4, 0.8], [5, 1], [6, 1.2], [8, 1.6], [10, 2]]);
    const stops = ofType(events, 'trial_stopped_early');
    expect(stops).toHaveLength(1);
    // Rungs at steps 2, 4, 8 (below the 10 steps of the trial): judged on steps, not epochs.
    const [, rung, step] = /^asha rung (\d) \(step (\d+)\): best [\d.]+ is not in the top 1 of 2 trials at this rung/.exec(stops[0].reason) ?? [];
    expect(Number(step)).toBe(2 * 2 ** Number(rung));
    expect(stops[0].epoch).toBe(Number(step) / 5);

    // A kill -9 after the stopped trial's evaluation, before its stop was written.
    const copy = join(tempDir('finesweep-steps-sweep-'), 'steps-sweep');
    cpSync(out.dir, copy, { recursive: true });
    const lines = readFileSync(join(out.dir, 'journal.jsonl'), 'utf8').trim().split('\n');
    const cut = lines.findIndex((l) => (JSON.parse(l) as { type: string }).type === 'trial_stopped_early');
    writeFileSync(join(copy, 'journal.jsonl'), lines.slice(0, cut).join('\n') + '\n');
    await resumeSweep(copy);
    const again = journal(copy);
    expect(ofType(again, 'trial_stopped_early').map((e) => e.reason)).toEqual(stops.map((e) => e.reason));
    expect(ofType(again, 'trial_started')).toHaveLength(2); // no trial ran again
  });
});
