// The fold from recorded journal events to the state of a sweep: pure, so no disk here.
import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../src/trial/types.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { foldTrials } from '../../src/store/fold.js';

/** Stamp bodies the way the journal does: seq 1.., one second apart. */
function recorded(bodies: JournalEventBody[]): JournalEvent[] {
  return bodies.map((b, i) => ({ ...b, seq: i + 1, time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }) as JournalEvent);
}

const m = (epoch: number, val_loss: number): EpochMetrics => ({ epoch, train_loss: 1, val_loss, seconds: 2 });
const params = { learning_rate: 0.001, batch_size: 8 };
const start = (id: string, attempt: number, from_epoch = 0, slot = 0): JournalEventBody =>
  ({ type: 'trial_started', trial_id: id, index: Number(id.slice(1)), params, slot, attempt, from_epoch });
const sweepStarted = (resumed: boolean): JournalEventBody =>
  ({ type: 'sweep_started', name: 'demo', spec_hash: 'abc', trials: 2, resumed, pid: 10, host: 'h' });

describe('the fold from journal events to sweep state', () => {
  it('starts empty', () => {
    expect(foldTrials([])).toEqual({ completed: false, trials: new Map(), lastSeq: 0 });
  });

  it('sends a trial that failed with a retry left back to pending, and counts attempts and failures', () => {
    const events = recorded([
      sweepStarted(false),
      start('t0', 1),
      { type: 'trial_failed', trial_id: 't0', attempt: 1, error: 'CUDA error', will_retry: true },
    ]);
    const t = foldTrials(events).trials.get('t0')!;
    expect(t).toMatchObject({ status: 'pending', attempts: 1, failures: 1, reason: 'CUDA error' });

    const more = recorded([
      sweepStarted(false),
      start('t0', 1),
      { type: 'trial_failed', trial_id: 't0', attempt: 1, error: 'CUDA error', will_retry: true },
      start('t0', 2),
      { type: 'trial_failed', trial_id: 't0', attempt: 2, error: 'out of memory', will_retry: false, out_of_memory: true },
    ]);
    expect(foldTrials(more).trials.get('t0')).toMatchObject({ status: 'failed', attempts: 2, failures: 2, reason: 'out of memory', outOfMemory: true });
  });

  it('keeps the latest report of an epoch that a resumed trial reports again, and drops epochs after its checkpoint', () => {
    const events = recorded([
      sweepStarted(false),
      start('t0', 1),
      { type: 'epoch_ended', trial_id: 't0', metrics: m(1, 0.9) },
      { type: 'epoch_ended', trial_id: 't0', metrics: m(2, 0.8) },
      { type: 'epoch_ended', trial_id: 't0', metrics: m(3, 0.7) },
      // killed -9 while writing the checkpoint of epoch 3: resumed from epoch 2's checkpoint
      sweepStarted(true),
      start('t0', 2, 2),
      { type: 'epoch_ended', trial_id: 't0', metrics: m(3, 0.65) },
      { type: 'epoch_ended', trial_id: 't0', metrics: m(3, 0.6) }, // re-reported: latest wins
      { type: 'trial_completed', trial_id: 't0', seconds: 12 },
    ]);
    const t = foldTrials(events).trials.get('t0')!;
    expect(t.status).toBe('completed');
    expect(t.epochs).toEqual([m(1, 0.9), m(2, 0.8), m(3, 0.6)]);
  });

  it('forgets the epochs of an earlier attempt when a retry starts from scratch', () => {
    const events = recorded([
      start('t0', 1),
      { type: 'epoch_ended', trial_id: 't0', metrics: m(1, 0.9) },
      { type: 'trial_failed', trial_id: 't0', attempt: 1, error: 'x', will_retry: true },
      start('t0', 2, 0),
    ]);
    expect(foldTrials(events).trials.get('t0')).toMatchObject({ status: 'running', epochs: [] });
  });

  it('records early stops with their rung, divergence and interruption with their reasons', () => {
    const events = recorded([
      sweepStarted(false),
      { type: 'trial_proposed', trial_id: 't0', index: 0, params, sampler: 'random' },
      { type: 'trial_proposed', trial_id: 't1', index: 1, params, sampler: 'random' },
      { type: 'trial_proposed', trial_id: 't2', index: 2, params, sampler: 'random' },
      { type: 'trial_proposed', trial_id: 't3', index: 3, params, sampler: 'random' },
      start('t0', 1),
      start('t1', 1, 0, 1),
      start('t2', 1),
      { type: 'trial_stopped_early', trial_id: 't0', epoch: 1, rung: 1, reason: 'asha: below the top 1/3 at rung 1' },
      { type: 'trial_diverged', trial_id: 't1', epoch: 2, reason: 'loss is NaN' },
      { type: 'trial_stopped', trial_id: 't2', epoch: 1, reason: 'SIGINT' },
    ]);
    const state = foldTrials(events);
    expect(state.trials.get('t0')).toMatchObject({ status: 'stopped_early', rung: 1, reason: 'asha: below the top 1/3 at rung 1' });
    expect(state.trials.get('t1')).toMatchObject({ status: 'diverged', reason: 'loss is NaN', slot: 1 });
    expect(state.trials.get('t2')).toMatchObject({ status: 'stopped', reason: 'SIGINT' });
    expect(state.trials.get('t3')).toMatchObject({ status: 'pending', attempts: 0, epochs: [] });
    expect([...state.trials.keys()]).toEqual(['t0', 't1', 't2', 't3']);
    expect(state.completed).toBe(false);
  });

  it('sets the sweep name, hash and completion, and the last seq', () => {
    const events = recorded([
      sweepStarted(false),
      start('t0', 1),
      { type: 'data_report', trial_id: 't0', backend: 'wasm', report: { train: { file: 'a', count: 1, emptyTexts: 0, duplicates: 0, truncated: 0 }, validation: { file: 'b', count: 1, emptyTexts: 0, duplicates: 0, truncated: 0 }, leakage: { count: 0, examples: [] }, warnings: [] } },
      { type: 'trial_completed', trial_id: 't0', seconds: 5, initial_val_loss: 2.3, forgetting: { basePerplexity: 10, finalPerplexity: 12 } },
      { type: 'sweep_completed', completed: 1, failed: 0, diverged: 0, stopped_early: 0 },
    ]);
    const state = foldTrials(events);
    expect(state).toMatchObject({ name: 'demo', specHash: 'abc', completed: true, lastSeq: 5 });
    expect(state.trials.get('t0')).toMatchObject({
      status: 'completed', backend: 'wasm', seconds: 5, initialValLoss: 2.3,
      forgetting: { basePerplexity: 10, finalPerplexity: 12 },
      startedAt: '2026-01-01T00:00:01.000Z', endedAt: '2026-01-01T00:00:03.000Z',
    });
    // A resume after completion starts the sweep again.
    const resumed = foldTrials([...events, ...recorded([sweepStarted(true)]).map((e) => ({ ...e, seq: 6 }))]);
    expect(resumed.completed).toBe(false);
  });

  it('ignores event types it does not know (a journal written by a newer finesweep)', () => {
    const events = recorded([start('t0', 1)]);
    const future = { seq: 2, time: 'x', type: 'trial_paused', trial_id: 't0' } as unknown as JournalEvent;
    const state = foldTrials([...events, future, { seq: 3, time: 'y', type: 'journal_repaired', dropped_bytes: 7 }]);
    expect(state.trials.get('t0')?.status).toBe('running');
    expect(state.lastSeq).toBe(3);
  });
});
