// Replays a scheduler over recorded learning curves on a number of slots, as the run loop would
// have run them: each free slot takes the next trial, each epoch takes its recorded seconds, and
// the scheduler is asked after every epoch. Answers "what would early stopping have spent and
// found on these curves" (bench/adaptive) and produces a journal for resume tests. Pure.
import type { EpochResult, Scheduler } from '../src/schedule/scheduler.js';
import type { JournalEvent, JournalEventBody } from '../src/store/events.js';
import type { EpochMetrics } from '../src/trial/types.js';

export interface RecordedTrial {
  id: string;
  /** Objective value of each epoch recorded, epoch 1 first. */
  curve: number[];
  /** Planned epochs (default: the curve's length). A shorter curve ended there (diverged). */
  planned?: number;
  /** Seconds of each epoch (default 1 each): sets the order in which slots record epochs. */
  seconds?: number[];
}

export interface SimulationResult {
  events: JournalEvent[];
  /** Epochs trained in all, over all trials. */
  epochs: number;
  /** Trial id → the epoch it stopped at and why, for stopped trials. */
  stopped: Map<string, { epoch: number; rung?: number; reason: string }>;
  /** Simulated wall time (sum of the critical slot's seconds). */
  makespan: number;
}

export function simulate(
  trials: readonly RecordedTrial[],
  opts: { slots: number; metric: string; scheduler?: Scheduler },
): SimulationResult {
  const events: JournalEvent[] = [];
  const push = (body: JournalEventBody) => events.push({ ...body, seq: events.length + 1, time: new Date(0).toISOString() } as JournalEvent);
  const results: EpochResult[] = [];
  const stopped = new Map<string, { epoch: number; rung?: number; reason: string }>();
  const queue = trials.map((t, index) => ({ t, index }));
  type Running = { t: RecordedTrial; epoch: number; doneAt: number; slot: number };
  const running: Running[] = [];
  let now = 0;
  let epochs = 0;
  const start = (slot: number): void => {
    const next = queue.shift();
    if (!next) return;
    const { t, index } = next;
    push({ type: 'trial_started', trial_id: t.id, index, params: { epochs: t.planned ?? t.curve.length }, slot, attempt: 1, from_epoch: 0 });
    if (t.curve.length === 0) {
      // Diverged inside its first epoch: counted as one epoch spent, whatever the scheduler.
      epochs++;
      push({ type: 'trial_diverged', trial_id: t.id, epoch: 1, reason: 'recorded curve is empty' });
      return start(slot);
    }
    running.push({ t, epoch: 1, doneAt: now + (t.seconds?.[0] ?? 1), slot });
  };
  for (let s = 0; s < Math.max(1, opts.slots); s++) start(s);
  while (running.length > 0) {
    // The next epoch to end; ties go to the lower slot so the order is reproducible.
    running.sort((a, b) => a.doneAt - b.doneAt || a.slot - b.slot);
    const r = running.shift()!;
    now = r.doneAt;
    const value = r.t.curve[r.epoch - 1];
    const metrics: EpochMetrics = { epoch: r.epoch, train_loss: value, val_loss: value, seconds: r.t.seconds?.[r.epoch - 1] ?? 1 };
    metrics[opts.metric] = value;
    push({ type: 'epoch_ended', trial_id: r.t.id, metrics });
    results.push({ trialId: r.t.id, epoch: r.epoch, value });
    epochs++;
    const max = r.t.planned ?? r.t.curve.length;
    const d = opts.scheduler?.decide(results, { trialId: r.t.id, epoch: r.epoch, maxEpochs: max });
    if (d?.action === 'stop') {
      const stop = { epoch: d.epoch, ...(d.rung !== undefined ? { rung: d.rung } : {}), reason: d.reason };
      stopped.set(r.t.id, stop);
      push({ type: 'trial_stopped_early', trial_id: r.t.id, ...stop });
      start(r.slot);
    } else if (r.epoch >= max) {
      push({ type: 'trial_completed', trial_id: r.t.id, seconds: 0 });
      start(r.slot);
    } else if (r.epoch >= r.t.curve.length) {
      push({ type: 'trial_diverged', trial_id: r.t.id, epoch: r.epoch, reason: 'recorded curve ends here' });
      start(r.slot);
    } else {
      running.push({ ...r, epoch: r.epoch + 1, doneAt: now + (r.t.seconds?.[r.epoch] ?? 1) });
    }
  }
  return { events, epochs, stopped, makespan: now };
}
