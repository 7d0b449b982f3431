import { describe, expect, it } from 'vitest';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { foldTrials } from '../../src/store/fold.js';
import type { TrialRun } from '../../src/pool/protocol.js';
import { fromEpochOf, recordOfAttempt, recordOfEvent, tally, willRetry, workToDo, type AttemptEnd } from '../../src/sweep/decide.js';

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

describe('how an ended attempt is recorded (pure)', () => {
  const result = (outcome: 'completed' | 'diverged' | 'stopped', epochs = [{ epoch: 1, train_loss: 1, val_loss: 0.5 }], reason?: string): TrialRun => ({
    ok: true,
    result: { trialId: 'a', outcome, epochs, backend: 'cpu', seconds: 2, ...(reason ? { reason } : {}) },
  });
  const end = (run: TrialRun, more: Partial<AttemptEnd> = {}): AttemptEnd => ({
    trialId: 'a', run, killed: false, lastEpoch: 1, state: fold([started('a'), epoch('a', 1)]).trials.get('a'), metric: 'val_loss', ...more,
  });

  it('completes a trial, recording first the epochs the journal missed', () => {
    const r = recordOfAttempt(end(result('completed', [{ epoch: 1, train_loss: 1, val_loss: 1 }, { epoch: 2, train_loss: 0.9, val_loss: 0.8 }])));
    expect(r.failure).toBeUndefined();
    expect(r.events.map((e) => e.type)).toEqual(['epoch_ended', 'trial_completed']);
    expect(r.awaited).toBe(1);
  });

  it('fails, as bad input naming the metric, a trial that completed without ever reporting the objective', () => {
    const r = recordOfAttempt(end(result('completed', [{ epoch: 1, train_loss: 1, val_loss: 1 }]), { metric: 'val_bleu' }));
    expect(r.events).toEqual([]);
    expect(r.failure).toMatchObject({ input: true, message: 'trial a completed without reporting the objective metric "val_bleu" (it reported train_loss, val_loss)' });
  });

  it('accepts any metric the trainer reports as the objective', () => {
    const r = recordOfAttempt(end(result('completed', [{ epoch: 1, val_bleu: 31.2 }]), { metric: 'val_bleu', state: undefined }));
    expect(r.failure).toBeUndefined();
    expect(r.events.map((e) => e.type)).toEqual(['epoch_ended', 'trial_completed']);
  });

  it('records a divergence at the last epoch reached, and a timeout as a failure', () => {
    expect(recordOfAttempt(end(result('diverged', [], 'loss is NaN'), { lastEpoch: 0 })).events).toEqual([{ type: 'trial_diverged', trial_id: 'a', epoch: 1, reason: 'loss is NaN' }]);
    const timedOut = recordOfAttempt(end(result('stopped'), { stopCause: { kind: 'timeout', reason: 'timed out after 5 s' } }));
    expect(timedOut.failure).toMatchObject({ input: false, message: 'timed out after 5 s' });
  });

  it('records a stop as the scheduler\'s early stop or an interrupt, and nothing for a trial killed at once', () => {
    const early = recordOfAttempt(end(result('stopped'), { stopCause: { kind: 'early', epoch: 1, rung: 0, reason: 'below median' } }));
    expect(early.events).toEqual([{ type: 'trial_stopped_early', trial_id: 'a', epoch: 1, rung: 0, reason: 'below median' }]);
    const stopped = recordOfAttempt(end(result('stopped', [], 'interrupted'), { stopCause: { kind: 'interrupt', reason: 'interrupted' } }));
    expect(stopped.events).toEqual([{ type: 'trial_stopped', trial_id: 'a', epoch: 1, reason: 'interrupted' }]);
    const killed: TrialRun = { ok: false, error: { name: 'Error', message: 'trial killed: SIGINT', outOfMemory: false, input: false } };
    expect(recordOfAttempt(end(killed, { killed: true }))).toEqual({ events: [], awaited: 0 });
    expect(recordOfAttempt(end(killed, { stopCause: { kind: 'interrupt', reason: 'interrupted' } })).events).toEqual([
      { type: 'trial_stopped', trial_id: 'a', epoch: 1, reason: 'interrupted (trial killed: SIGINT)' },
    ]);
    expect(recordOfAttempt(end(killed)).failure?.message).toBe('trial killed: SIGINT');
  });

  it('turns a trial\'s events into journal events and log lines', () => {
    expect(recordOfEvent('a', { type: 'epoch', metrics: { epoch: 2, val_loss: 1 } }, 'cpu')).toEqual({ journal: { type: 'epoch_ended', trial_id: 'a', metrics: { epoch: 2, val_loss: 1 } } });
    expect(recordOfEvent('a', { type: 'backend', name: 'wasm', reason: 'asked' }, 'cpu')).toEqual({ log: 'backend wasm: asked' });
    expect(recordOfEvent('a', { type: 'step', epoch: 1, step: 1, stepsPerEpoch: 2, loss: 1 }, 'cpu')).toEqual({});
  });
});
