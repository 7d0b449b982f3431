import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/schedule/index.js';
import { decideFromJournal } from '../../src/sweep/replay.js';
import { resolveObjective } from '../../src/trial/objective.js';
import { historyFromJournal } from '../../src/sweep/history.js';
import { proposeNext, type TpeSpec } from '../../src/search/tpe.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import type { Params } from '../../src/trial/types.js';

const spec: TpeSpec & { early_stopping: { type: 'asha'; min_epochs: number; reduction_factor: number } } = {
  seed: 21,
  parameters: {
    learning_rate: { distribution: 'log_uniform', min: 1e-6, max: 1 },
    batch_size: { values: [16, 32, 64] },
    epochs: { value: 4 },
  },
  strategy: { type: 'tpe', trials: 24, n_startup_trials: 5 },
  objective: { metric: 'val_loss' },
  early_stopping: { type: 'asha', min_epochs: 1, reduction_factor: 3 },
};
const objective = resolveObjective(spec.objective);
/** A learning curve: best near lr 1e-3 and batch 32; slow for small learning rates. */
const curve = (p: Params): number[] => {
  const d = (Math.log10(p.learning_rate as number) + 3) ** 2 + (p.batch_size === 32 ? 0 : 0.3);
  return [1, 2, 3, 4].map((e) => 0.2 + d + 1 / e);
};

/** An uninterrupted TPE + ASHA sweep on 3 slots, each proposal made when its slot frees. */
function sweep(): JournalEvent[] {
  const events: JournalEvent[] = [];
  const push = (b: JournalEventBody) => events.push({ ...b, seq: events.length + 1, time: '' } as JournalEvent);
  const scheduler = createScheduler(spec)!;
  type Slot = { id: string; params: Params; epoch: number; at: number; slot: number };
  const running: Slot[] = [];
  let next = 0;
  const start = (slot: number, now: number) => {
    if (next >= 24) return;
    const index = next++;
    const params = proposeNext(spec, index, historyFromJournal(events, objective));
    const id = `t${index}`;
    push({ type: 'trial_proposed', trial_id: id, index, params, sampler: 'tpe' });
    push({ type: 'trial_started', trial_id: id, index, params, slot, attempt: 1, from_epoch: 0 });
    // Slots run at different speeds, so the finishing order is not the proposal order.
    running.push({ id, params, epoch: 1, at: now + 1 + slot * 0.37, slot });
  };
  for (let s = 0; s < 3; s++) start(s, 0);
  while (running.length) {
    running.sort((a, b) => a.at - b.at || a.slot - b.slot);
    const r = running.shift()!;
    const value = curve(r.params)[r.epoch - 1];
    push({ type: 'epoch_ended', trial_id: r.id, metrics: { epoch: r.epoch, train_loss: value, val_loss: value, seconds: 1 } });
    const d = decideFromJournal(scheduler, objective, events, { trialId: r.id, epoch: r.epoch, maxEpochs: 4 });
    if (d.action === 'stop') {
      push({ type: 'trial_stopped_early', trial_id: r.id, epoch: d.epoch, ...(d.rung !== undefined ? { rung: d.rung } : {}), reason: d.reason });
      start(r.slot, r.at);
    } else if (r.epoch === 4) {
      push({ type: 'trial_completed', trial_id: r.id, seconds: 4 });
      start(r.slot, r.at);
    } else running.push({ ...r, epoch: r.epoch + 1, at: r.at + 1 + r.slot * 0.37 });
  }
  return events;
}

describe('TPE with ASHA after a resume', () => {
  const events = sweep();
  const proposals = events.filter((e): e is Extract<JournalEvent, { type: 'trial_proposed' }> => e.type === 'trial_proposed');

  it('proposes, from the journal prefix alone, exactly what the uninterrupted sweep proposed', () => {
    expect(proposals.length).toBe(24);
    for (const p of proposals) {
      // A resumed sweep knows only the events written before this proposal.
      const prefix = events.slice(0, p.seq - 1);
      expect(proposeNext(spec, p.index, historyFromJournal(prefix, objective)), `trial ${p.index}`).toEqual(p.params);
    }
  });

  it('counts stopped trials in the history and uses the model after the startup trials', () => {
    expect(events.some((e) => e.type === 'trial_stopped_early')).toBe(true);
    const last = historyFromJournal(events, objective);
    expect(last.length).toBe(24);
    // The model-based half settles on the better batch size (random would pick 32 a third of the time).
    expect(proposals.slice(12).filter((p) => p.params.batch_size === 32).length).toBeGreaterThanOrEqual(9);
  });
});
