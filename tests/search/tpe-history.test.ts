import { describe, expect, it } from 'vitest';
import { historyFromJournal } from '../../src/sweep/history.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';

function journal(bodies: JournalEventBody[]): JournalEvent[] {
  return bodies.map((b, i) => ({ ...b, seq: i + 1, time: '' }) as JournalEvent);
}
const started = (id: string, lr: number): JournalEventBody => ({
  type: 'trial_started', trial_id: id, index: 0, params: { learning_rate: lr, epochs: 3 }, slot: 0, attempt: 1, from_epoch: 0,
});
const epoch = (id: string, e: number, val_loss: number, val_accuracy = 0.5): JournalEventBody => ({
  type: 'epoch_ended', trial_id: id, metrics: { epoch: e, train_loss: 1, val_loss, val_accuracy, seconds: 1 },
});

describe('the TPE history read off the journal', () => {
  const events = journal([
    started('a', 0.1),
    started('b', 0.01),
    epoch('a', 1, 0.9),
    epoch('b', 1, 0.8),
    { type: 'trial_proposed', trial_id: 'c', index: 2, params: { learning_rate: 0.001, epochs: 3 }, sampler: 'tpe' },
    started('c', 0.001),
    epoch('b', 2, 0.7),
    epoch('a', 2, Number.NaN),
    { type: 'trial_diverged', trial_id: 'a', epoch: 2, reason: 'NaN loss' },
    epoch('c', 1, 0.6),
    { type: 'trial_stopped_early', trial_id: 'b', epoch: 2, rung: 0, reason: 'asha' },
    // An epoch in flight when the stop was written does not count.
    epoch('b', 3, 0.1),
    epoch('c', 2, 0.5),
    // A resumed trial re-reports epoch 2: the first record counts.
    epoch('c', 2, 0.05),
    epoch('c', 3, 0.55),
    { type: 'trial_completed', trial_id: 'c', seconds: 3 },
    started('d', 0.5),
    { type: 'trial_failed', trial_id: 'd', attempt: 1, error: 'boom', will_retry: false },
  ]);

  it('lists finished trials in the order they finished, with their best objective', () => {
    const h = historyFromJournal(events, { metric: 'val_loss', goal: 'minimize' });
    expect(h).toEqual([
      // Diverged: its best finite epoch.
      { params: { learning_rate: 0.1, epochs: 3 }, objective: 0.9 },
      // Stopped early: the best up to the epoch it was stopped at.
      { params: { learning_rate: 0.01, epochs: 3 }, objective: 0.7 },
      { params: { learning_rate: 0.001, epochs: 3 }, objective: 0.5 },
    ]);
  });

  it('reads the objective in its goal direction', () => {
    const h = historyFromJournal(events, { metric: 'val_accuracy', goal: 'maximize' });
    expect(h.map((x) => x.objective)).toEqual([0.5, 0.5, 0.5]);
  });

  it('gives a trial with no finite value NaN (ranked worst)', () => {
    const h = historyFromJournal(
      journal([started('x', 1), epoch('x', 1, Number.NaN), { type: 'trial_diverged', trial_id: 'x', epoch: 1, reason: 'NaN' }]),
      { metric: 'val_loss', goal: 'minimize' },
    );
    expect(h).toEqual([{ params: { learning_rate: 1, epochs: 3 }, objective: Number.NaN }]);
  });

  it('stops at a given seq: the history as it stood when a proposal was written', () => {
    const h = historyFromJournal(events, { metric: 'val_loss', goal: 'minimize' }, 11);
    expect(h.map((x) => x.params.learning_rate)).toEqual([0.1]);
  });
});
