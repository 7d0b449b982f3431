// The diagnosis on real fine-tunes (tfjs, cpu backend, the engine's tiny base model): the flags
// come from trained curves, recorded through the journal's events and the store's fold.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { fineTune } from '../../src/engine/fine-tune.js';
import type { TrialResult } from '../../src/trial/types.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { foldTrials } from '../../src/store/fold.js';
import { spamSlice, tempDir, tinyBase, trialConfig, writeLines } from '../engine/trial-fixture.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

const spec = { name: 'real', task: { type: 'classification' }, objective: { metric: 'val_loss' }, parameters: {} };

/**
 * Fine-tunes on the first `perClass` ham and spam examples; with `heldOut`, validates on that many
 * other examples of each class (a separate validation file), else on the default split.
 */
async function train(params: { learning_rate: number; batch_size: number; epochs: number }, perClass: number, heldOut?: number): Promise<TrialResult> {
  const dir = tempDir('finesweep-report-real-');
  const file = writeLines(dir, 'train.jsonl', spamSlice(perClass, perClass));
  const config = trialConfig(dir, file, { forgetting: false }, params);
  if (heldOut) {
    const pool = spamSlice(perClass + heldOut, perClass + heldOut);
    const rows = [...pool.slice(perClass, perClass + heldOut), ...pool.slice(2 * perClass + heldOut)];
    config.task.data.validation = writeLines(dir, 'validation.jsonl', rows);
  }
  return fineTune(config, {}, tinyBase(), 'cpu');
}

/** The events the controller journals for one finished trial. */
function journal(id: string, params: Record<string, number>, r: TrialResult): JournalEvent[] {
  const bodies: JournalEventBody[] = [
    { type: 'trial_started', trial_id: id, index: 0, params, slot: 0, attempt: 1, from_epoch: 0 },
    { type: 'data_report', trial_id: id, report: r.dataReport!, backend: r.backend },
    ...r.epochs.map((metrics) => ({ type: 'epoch_ended' as const, trial_id: id, metrics })),
    { type: 'trial_completed', trial_id: id, seconds: r.seconds, initial_val_loss: r.initialValLoss },
  ];
  return bodies.map((b, i) => ({ ...b, seq: i + 1, time: new Date(0).toISOString() }) as JournalEvent);
}

function flagsOf(id: string, params: Record<string, number>, r: TrialResult): string[] {
  const lb = buildLeaderboard({ spec, state: foldTrials(journal(id, params, r)) });
  return lb.rows[0].flags.map((f) => f.name);
}

describe('diagnosis of real trials', () => {
  it('flags overfitting on a tiny training set with many epochs and a high learning rate', async () => {
    // 12 training examples, 40 held out: the model memorizes the twelve and val loss climbs back.
    const params = { learning_rate: 3e-2, batch_size: 4, epochs: 20 };
    const r = await train(params, 6, 20);
    expect(r.dataReport?.train.count).toBe(12);
    expect(r.dataReport?.validation.count).toBe(40);
    expect(r.outcome).toBe('completed');
    expect(flagsOf('tiny-high-lr', params, r)).toEqual(['overfitting']);
  });

  it('flags underfitting at a learning rate of 1e-7', async () => {
    const params = { learning_rate: 1e-7, batch_size: 4, epochs: 3 };
    const r = await train(params, 10);
    expect(r.outcome).toBe('completed');
    expect(flagsOf('lr-1e-7', params, r)).toEqual(['underfitting']);
  });
});
