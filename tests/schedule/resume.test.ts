import { describe, expect, it } from 'vitest';
import { createScheduler, type ScheduleSpec } from '../../src/schedule/index.js';
import { decideFromJournal, pendingStops } from '../../src/sweep/replay.js';
import { resolveObjective } from '../../src/trial/objective.js';
import { simulate, type RecordedTrial } from '../../bench/simulate.js';
import { Rng } from '../../src/search/rng.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';

/** Noisy decaying learning curves with per-trial speeds: a sweep of `n` trials of 9 epochs. */
function sweepCurves(n: number, seed: number): RecordedTrial[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const floor = 0.3 + rng.next();
    const drop = 0.5 + rng.next();
    const rate = 0.2 + rng.next();
    const speed = 0.5 + rng.next();
    const curve = Array.from({ length: 9 }, (_, e) => floor + drop * Math.exp(-rate * (e + 1)) + 0.05 * rng.normal());
    return { id: `t${i}`, curve, seconds: curve.map(() => speed * (0.9 + 0.2 * rng.next())) };
  });
}

type Stop = { trial_id: string; epoch: number; rung?: number; reason: string };
const stopsOf = (events: readonly JournalEvent[]): Stop[] =>
  events
    .filter((e): e is Extract<JournalEvent, { type: 'trial_stopped_early' }> => e.type === 'trial_stopped_early')
    .map(({ trial_id, epoch, rung, reason }) => ({ trial_id, epoch, ...(rung !== undefined ? { rung } : {}), reason }))
    .sort((a, b) => (a.trial_id < b.trial_id ? -1 : 1));

/**
 * Resume after the first `cut` events: rebuild from that prefix with a fresh scheduler, write the
 * stops it owes, then let the rest of the recorded epochs arrive (optionally re-reporting, with a
 * different value, the last epoch of every trial that was running) and decide each one from the
 * journal alone.
 */
function resumeAt(spec: ScheduleSpec, events: readonly JournalEvent[], cut: number, reReport: boolean): JournalEvent[] {
  const objective = resolveObjective(spec.objective);
  const scheduler = createScheduler(spec)!;
  const journal: JournalEvent[] = [];
  const push = (body: JournalEventBody) => journal.push({ ...body, seq: journal.length + 1, time: '' } as JournalEvent);
  events.slice(0, cut).forEach((e) => push(e));
  const stopped = new Set<string>();
  for (const s of pendingStops(scheduler, objective, journal)) {
    stopped.add(s.trialId);
    push({ type: 'trial_stopped_early', trial_id: s.trialId, epoch: s.epoch, ...(s.rung !== undefined ? { rung: s.rung } : {}), reason: s.reason });
  }
  for (const e of journal) if (e.type === 'trial_stopped_early') stopped.add(e.trial_id);
  if (reReport) {
    const last = new Map<string, Extract<JournalEvent, { type: 'epoch_ended' }>>();
    const ended = new Set<string>();
    for (const e of journal) {
      if (e.type === 'epoch_ended') last.set(e.trial_id, e);
      if (e.type === 'trial_completed' || e.type === 'trial_stopped_early') ended.add(e.trial_id);
    }
    for (const [id, e] of last) if (!ended.has(id)) push({ type: 'epoch_ended', trial_id: id, metrics: { ...e.metrics, val_loss: e.metrics.val_loss * 0.5 } });
  }
  const maxEpochs = new Map<string, number>();
  for (const e of events) if (e.type === 'trial_started') maxEpochs.set(e.trial_id, e.params.epochs as number);
  for (const e of events.slice(cut)) {
    if (e.type === 'trial_stopped_early') continue; // decided again below, from the journal
    if (stopped.has((e as { trial_id?: string }).trial_id ?? '')) continue;
    push(e);
    if (e.type !== 'epoch_ended') continue;
    const d = decideFromJournal(scheduler, objective, journal, { trialId: e.trial_id, epoch: e.metrics.epoch, maxEpochs: maxEpochs.get(e.trial_id)! });
    if (d.action === 'stop') {
      stopped.add(e.trial_id);
      push({ type: 'trial_stopped_early', trial_id: e.trial_id, epoch: d.epoch, ...(d.rung !== undefined ? { rung: d.rung } : {}), reason: d.reason });
    }
  }
  return journal;
}

describe.each<[string, ScheduleSpec]>([
  ['asha', { early_stopping: { type: 'asha', min_epochs: 1, reduction_factor: 3 } }],
  ['median', { early_stopping: { type: 'median', min_epochs: 2, min_trials: 3 } }],
])('%s decisions after a resume', (_name, spec) => {
  const curves = sweepCurves(24, 7);
  const original = simulate(curves, { slots: 4, metric: 'val_loss', scheduler: createScheduler(spec)! });

  it('stops a fair share of the sweep (the scenario is not trivial)', () => {
    expect(original.stopped.size).toBeGreaterThanOrEqual(6);
    expect(original.stopped.size).toBeLessThan(24);
  });

  it('are identical whatever event the sweep was interrupted after', () => {
    const expected = stopsOf(original.events);
    for (let cut = 0; cut <= original.events.length; cut++) {
      expect(stopsOf(resumeAt(spec, original.events, cut, false)), `cut after ${cut} events`).toEqual(expected);
    }
  });

  it('are identical when the resumed trials re-report their last epoch with another value', () => {
    const expected = stopsOf(original.events);
    for (let cut = 0; cut <= original.events.length; cut += 5) {
      expect(stopsOf(resumeAt(spec, original.events, cut, true)), `cut after ${cut} events`).toEqual(expected);
    }
  });

  it('owes exactly the stop whose epoch was recorded but whose decision was not', () => {
    const i = original.events.findIndex((e) => e.type === 'trial_stopped_early');
    const stop = original.events[i] as Extract<JournalEvent, { type: 'trial_stopped_early' }>;
    const owed = pendingStops(createScheduler(spec)!, resolveObjective(spec.objective), original.events.slice(0, i));
    expect(owed).toEqual([{ trialId: stop.trial_id, epoch: stop.epoch, ...(stop.rung !== undefined ? { rung: stop.rung } : {}), reason: stop.reason }]);
    expect(pendingStops(createScheduler(spec)!, resolveObjective(spec.objective), original.events.slice(0, i + 1))).toEqual([]);
    // An interrupt that beat the decision (trial_stopped: resume continues the trial) still owes it.
    const interrupted = [
      ...original.events.slice(0, i),
      { type: 'trial_stopped', trial_id: stop.trial_id, epoch: stop.epoch, reason: 'interrupted', seq: i + 1, time: '' } as JournalEvent,
    ];
    expect(pendingStops(createScheduler(spec)!, resolveObjective(spec.objective), interrupted).map((s) => s.trialId)).toEqual([stop.trial_id]);
  });
});
