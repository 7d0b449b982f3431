import { describe, expect, it } from 'vitest';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { foldTrials } from '../../src/store/fold.js';
import { fromEpochOf, tally, willRetry, workToDo } from '../../src/sweep/decide.js';

const plan = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, index) => ({ id, index, params: { learning_rate: 0.001, batch_size: 8, epochs: 3 } }));

function fold(bodies: JournalEventBody[]) {
  return foldTrials(bodies.map((b, i) => ({ ...b, seq: i + 1, time: 't' }) as JournalEvent));
}

const started = (id: string, attempt = 1, from_epoch = 0): JournalEventBody => ({
  type: 'trial_started', trial_id: id, index: 0, params: plan[0].params, slot: 0, attempt, from_epoch,
});
const epoch = (id: string, e: number): JournalEventBody => ({ type: 'epoch_ended', trial_id: id, metrics: { epoch: e, train_loss: 1, val_loss: 1, seconds: 1 } });

describe('what a sweep runs next (pure, from the folded journal)', () => {
  const state = fold([
    started('a'), epoch('a', 1), { type: 'trial_completed', trial_id: 'a', seconds: 1 },
    started('b'), { type: 'trial_failed', trial_id: 'b', attempt: 1, error: 'x', will_retry: true },
    started('c'), { type: 'trial_failed', trial_id: 'c', attempt: 1, error: 'x', will_retry: false },
    started('d'), { type: 'trial_diverged', trial_id: 'd', epoch: 1, reason: 'NaN' },
    started('e'), epoch('e', 1), epoch('e', 2), // running when the controller died
  ]);

  it('skips finished trials; runs retries owed, interrupted trials (same attempt) and pending ones', () => {
    expect(workToDo(plan, state).map((w) => [w.trial.id, w.attempt])).toEqual([['b', 2], ['e', 1], ['f', 1]]);
  });

  it('continues an interrupted trial after its last recorded epoch', () => {
    expect(fromEpochOf(state.trials.get('e'))).toBe(2);
    expect(fromEpochOf(state.trials.get('f'))).toBe(0);
  });

  it('retries while attempts are within max_retries, never bad input', () => {
    expect([1, 2, 3].map((attempt) => willRetry(attempt, 2, false))).toEqual([true, true, false]);
    expect(willRetry(1, 0, false)).toBe(false);
    expect(willRetry(1, 5, true)).toBe(false);
  });

  it('counts the sweep: final trials by status, the rest open', () => {
    expect(tally(plan, state)).toEqual({ completed: 1, failed: 1, diverged: 1, stopped_early: 0, open: 3 });
  });
});
