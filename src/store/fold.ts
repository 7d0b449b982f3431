// The one fold from journal events to the state of a sweep and its trials. Pure: no I/O, no
// clock. Every consumer (resume, the reporter, progress) derives state here, nowhere else.
import type { EpochMetrics } from '../trial/types.js';
import { statusAfter } from '../trial/status.js';
import type { JournalEvent } from './events.js';
import type { FoldTrials, SweepState, TrialState } from './state.js';

export const foldTrials: FoldTrials = (events) => {
  const state: SweepState = { completed: false, trials: new Map(), lastSeq: 0 };
  for (const event of events) applyEvent(state, event);
  return state;
};

/** Apply one event to a state in place (exported so a live consumer can fold incrementally). */
export function applyEvent(state: SweepState, event: JournalEvent): void {
  if (typeof event.seq === 'number' && event.seq > state.lastSeq) state.lastSeq = event.seq;
  const trials = state.trials;
  switch (event.type) {
    case 'sweep_started':
      state.name = event.name;
      state.specHash = event.spec_hash;
      state.completed = false;
      state.ended = undefined;
      return;
    case 'sweep_ended': {
      const { type: _t, seq: _s, time: _time, ...end } = event;
      state.ended = end;
      return;
    }
    case 'sweep_completed':
      state.completed = true;
      return;
    case 'trial_proposed': {
      const t = trials.get(event.trial_id);
      if (t) {
        t.index = event.index;
        t.params = event.params;
      } else {
        trials.set(event.trial_id, newTrial(event.trial_id, event.index, event.params));
      }
      if (event.repeat_of !== undefined) trials.get(event.trial_id)!.repeatOf = event.repeat_of;
      return;
    }
    case 'trial_started': {
      let t = trials.get(event.trial_id);
      if (!t) {
        t = newTrial(event.trial_id, event.index, event.params);
        trials.set(t.id, t);
      }
      t.index = event.index;
      t.params = event.params;
      t.status = statusAfter(event)!;
      t.attempts += 1;
      t.slot = event.slot;
      t.gpu = event.gpu;
      t.startedAt = event.time;
      t.endedAt = undefined;
      // Epochs after the checkpoint it resumes from will be reported again by this attempt
      // (from_epoch 0: a fresh start, e.g. a retry).
      t.epochs = t.epochs.filter((m) => m.epoch <= event.from_epoch);
      return;
    }
    case 'data_report': {
      const t = trials.get(event.trial_id);
      if (!t) return;
      t.dataReport = event.report;
      t.backend = event.backend;
      return;
    }
    case 'trial_files_removed': {
      const t = trials.get(event.trial_id);
      if (t && !t.removed?.includes(event.what)) t.removed = [...(t.removed ?? []), event.what];
      return;
    }
    case 'epoch_ended': {
      const t = trials.get(event.trial_id);
      if (!t) return;
      t.epochs = upsertEpoch(t.epochs, event.metrics);
      return;
    }
    case 'trial_completed': {
      const t = trials.get(event.trial_id);
      if (!t) return;
      t.status = statusAfter(event)!;
      t.endedAt = event.time;
      t.seconds = (t.seconds ?? 0) + event.seconds;
      if (event.forgetting) t.forgetting = event.forgetting;
      if (event.initial_val_loss !== undefined) t.initialValLoss = event.initial_val_loss;
      t.reason = undefined;
      return;
    }
    case 'trial_failed': {
      const t = trials.get(event.trial_id);
      if (!t) return;
      t.status = statusAfter(event)!;
      t.failures = (t.failures ?? 0) + 1;
      t.reason = event.error;
      t.outOfMemory = event.out_of_memory ?? undefined;
      if (event.retry_with) {
        t.retryWith = event.retry_with;
        t.oomRetries = (t.oomRetries ?? 0) + 1;
      }
      t.endedAt = event.time;
      return;
    }
    case 'trial_diverged':
    case 'trial_stopped':
      return end(trials.get(event.trial_id), statusAfter(event)!, event.reason, event.time);
    case 'trial_stopped_early': {
      const t = trials.get(event.trial_id);
      end(t, statusAfter(event)!, event.reason, event.time);
      if (t && event.rung !== undefined) t.rung = event.rung;
      return;
    }
    default:
      // journal_repaired and event types from a newer finesweep: nothing to fold.
      return;
  }
}

function newTrial(id: string, index: number, params: TrialState['params']): TrialState {
  return { id, index, params, status: 'pending', attempts: 0, epochs: [] };
}

function end(t: TrialState | undefined, status: TrialState['status'], reason: string, time: string): void {
  if (!t) return;
  t.status = status;
  t.reason = reason;
  t.endedAt = time;
}

/**
 * Insert or replace (latest wins) the metrics of one epoch, keeping epochs in order. An evaluation
 * after the last one (nearly always) is appended in place: copying and sorting the trial's
 * evaluations at each one made a trial of 5,000 evaluations cost 12 s to fold.
 */
function upsertEpoch(epochs: EpochMetrics[], metrics: EpochMetrics): EpochMetrics[] {
  const last = epochs[epochs.length - 1];
  if (last === undefined || last.epoch < metrics.epoch) {
    epochs.push(metrics);
    return epochs;
  }
  const rest = epochs.filter((m) => m.epoch !== metrics.epoch);
  rest.push(metrics);
  return rest.sort((a, b) => a.epoch - b.epoch);
}
