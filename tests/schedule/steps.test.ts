import { describe, expect, it } from 'vitest';
import { AshaScheduler } from '../../src/schedule/asha.js';
import { MedianScheduler } from '../../src/schedule/median.js';
import { createScheduler, scheduleQuery, stepAxisProblem } from '../../src/schedule/index.js';
import type { EpochResult } from '../../src/schedule/scheduler.js';
import { pendingStops } from '../../src/sweep/replay.js';
import { resolveObjective } from '../../src/trial/objective.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';

/** An evaluation of a trial with 100 steps per epoch: its epoch is step / 100. */
const at = (trialId: string, step: number, value: number): EpochResult => ({ trialId, epoch: step / 100, step, value });

describe('ASHA on steps (early_stopping.min_steps)', () => {
  const asha = new AshaScheduler({ goal: 'minimize', minEpochs: 1, minSteps: 50, reductionFactor: 2 });

  it('places rungs at min_steps × reduction_factor^i below where training ends', () => {
    expect(asha.axis).toBe('step');
    expect(asha.rungs(300)).toEqual([50, 100, 200]);
    expect(asha.rungs(200)).toEqual([50, 100]);
  });

  it('judges a rung at the first evaluation at or past it, and names both', () => {
    // a evaluates every 40 steps, b every 60: rung 50 is judged at a's step 80 and b's step 60.
    const results = [at('a', 40, 0.9), at('b', 60, 0.5), at('a', 80, 0.8)];
    const d = asha.decide(results, { trialId: 'a', epoch: 0.8, step: 80, maxSteps: 300 });
    // b's value at rung 50 is its best up to its first evaluation at or past 50 (step 60: 0.5).
    expect(d).toEqual({
      action: 'stop',
      epoch: 0.8,
      rung: 0,
      reason: 'asha rung 0 (step 50, judged at step 80): best 0.8 is not in the top 1 of 2 trials at this rung (cutoff 0.5, reduction factor 2)',
    });
  });

  it('never stops a trial before its first rung, nor at its last evaluation', () => {
    const results = [at('b', 100, 0.1), at('b', 200, 0.05), at('a', 40, 0.9), at('a', 300, 0.9)];
    expect(asha.decide(results, { trialId: 'a', epoch: 0.4, step: 40, maxSteps: 300 })).toEqual({ action: 'continue' });
    expect(asha.decide(results, { trialId: 'a', epoch: 3, step: 300, maxSteps: 300 })).toEqual({ action: 'continue' });
  });

  it('judges every rung crossed since the previous evaluation, the lowest first', () => {
    // a jumps from step 40 to step 120, past rungs 50 and 100: it is good enough at 50 (0.3 against
    // b's 0.4), not at 100 (b reached 0.1 by then).
    const results = [at('b', 50, 0.4), at('b', 100, 0.1), at('a', 40, 0.9), at('a', 120, 0.3)];
    const d = asha.decide(results, { trialId: 'a', epoch: 1.2, step: 120, maxSteps: 300 });
    expect(d.action === 'stop' && d.rung).toBe(1);
    // A rung judged at an earlier evaluation is not judged again.
    const later = [...results.slice(0, 2), at('a', 60, 0.35), at('a', 80, 0.3)];
    expect(asha.decide(later, { trialId: 'a', epoch: 0.8, step: 80, maxSteps: 300 })).toEqual({ action: 'continue' });
  });

  it('does not judge an evaluation that carries no step (an epoch-only point)', () => {
    const results: EpochResult[] = [at('b', 100, 0.1), { trialId: 'a', epoch: 1, value: 0.9 }];
    expect(asha.decide(results, { trialId: 'a', epoch: 1, maxEpochs: 3 })).toEqual({ action: 'continue' });
  });

  it('on the epoch axis, judges fractional-epoch evaluations at the first one at or past the rung', () => {
    const byEpoch = new AshaScheduler({ goal: 'minimize', minEpochs: 1, reductionFactor: 2 });
    const results = [at('b', 50, 0.3), at('b', 100, 0.2), at('a', 50, 0.6), at('a', 100, 0.5)];
    expect(byEpoch.decide(results, { trialId: 'a', epoch: 0.5, step: 50, maxEpochs: 4 })).toEqual({ action: 'continue' });
    const d = byEpoch.decide(results, { trialId: 'a', epoch: 1, step: 100, maxEpochs: 4 });
    expect(d.action === 'stop' && d.reason).toMatch(/^asha rung 0 \(epoch 1\): best 0.5/);
  });
});

describe('ASHA with rejudge (a trial judged again at its highest rung as later trials reach it)', () => {
  const once = new AshaScheduler({ goal: 'minimize', minEpochs: 1, minSteps: 50, reductionFactor: 2 });
  const rejudged = new AshaScheduler({ goal: 'minimize', minEpochs: 1, minSteps: 50, reductionFactor: 2, rejudge: true });
  // a reaches rung 50 first (nobody to beat), then b and c get there with better values.
  const results = [at('a', 50, 0.6), at('b', 50, 0.3), at('c', 50, 0.4), at('a', 100, 0.2)];
  const query = { trialId: 'a', epoch: 1, step: 100, maxSteps: 400 };

  it('passes the first trial at a rung on arrival either way', () => {
    expect(rejudged.decide(results, { trialId: 'a', epoch: 0.5, step: 50, maxSteps: 400 })).toEqual({ action: 'continue' });
  });

  it('stops it at a later evaluation once the later arrivals push it out of the top 1/reduction_factor, on its value at the rung', () => {
    // At step 100 a reaches rung 1, its highest rung now, alone there: it passes, judged once or not.
    expect(once.decide(results, query)).toEqual({ action: 'continue' });
    expect(rejudged.decide(results, query)).toEqual({ action: 'continue' });
    // At step 80 its highest rung is still 50, where its value (0.6, not the later 0.2) is not in the
    // top 1 of the 3 trials there by now; judged once, rung 50 was settled on arrival.
    const before = [at('a', 50, 0.6), at('b', 50, 0.3), at('c', 50, 0.4), at('a', 80, 0.2)];
    expect(rejudged.decide(before, { trialId: 'a', epoch: 0.8, step: 80, maxSteps: 400 })).toEqual({
      action: 'stop',
      epoch: 0.8,
      rung: 0,
      reason: 'asha rung 0 (step 50, rejudged at step 80): its 0.6 is not in the top 1 of 3 trials at this rung (cutoff 0.3, reduction factor 2)',
    });
    expect(once.decide(before, { trialId: 'a', epoch: 0.8, step: 80, maxSteps: 400 })).toEqual({ action: 'continue' });
  });

  it('keeps a trial that stays in the top 1/reduction_factor, and never stops one at its last evaluation', () => {
    const fine = [at('a', 50, 0.2), at('b', 50, 0.3), at('c', 50, 0.4), at('a', 80, 0.5)];
    expect(rejudged.decide(fine, { trialId: 'a', epoch: 0.8, step: 80, maxSteps: 400 })).toEqual({ action: 'continue' });
    const last = [at('a', 50, 0.6), at('b', 50, 0.3), at('c', 50, 0.4), at('a', 80, 0.2)];
    expect(rejudged.decide(last, { trialId: 'a', epoch: 0.8, step: 80, maxSteps: 80 })).toEqual({ action: 'continue' });
  });

  it('reads rejudge from the spec, and a resume owes the same stop', () => {
    const spec = { objective: { metric: 'val_loss' }, early_stopping: { type: 'asha' as const, min_steps: 50, reduction_factor: 2, rejudge: true } };
    const journal: JournalEvent[] = [];
    const push = (body: JournalEventBody) => journal.push({ ...body, seq: journal.length + 1, time: '' } as JournalEvent);
    const evaluation = (id: string, step: number, val_loss: number) => push({ type: 'epoch_ended', trial_id: id, metrics: { epoch: step / 100, step, val_loss } });
    for (const id of ['a', 'b', 'c']) push({ type: 'trial_started', trial_id: id, index: 0, params: { epochs: 4 }, slot: 0, attempt: 1, from_epoch: 0 });
    evaluation('a', 50, 0.6);
    evaluation('b', 50, 0.3);
    evaluation('c', 50, 0.25);
    evaluation('a', 60, 0.5); // killed before the stop of a was written
    const stops = pendingStops(createScheduler(spec)!, resolveObjective(spec.objective), journal);
    expect(stops).toEqual([{ trialId: 'a', epoch: 0.6, rung: 0, reason: 'asha rung 0 (step 50, rejudged at step 60): its 0.6 is not in the top 1 of 3 trials at this rung (cutoff 0.25, reduction factor 2)' }]);
    const { rejudge: _, ...without } = spec.early_stopping;
    expect(pendingStops(createScheduler({ ...spec, early_stopping: without })!, resolveObjective(spec.objective), journal)).toEqual([]);
  });
});

describe('the median rule on steps', () => {
  const median = new MedianScheduler({ goal: 'minimize', minEpochs: 1, minSteps: 100, minTrials: 2 });

  it('keeps the grace period in steps and compares with the others at the same step', () => {
    const results = [at('b', 100, 0.4), at('c', 100, 0.6), at('b', 200, 0.3), at('c', 200, 0.2), at('a', 50, 0.9), at('a', 100, 0.45), at('a', 200, 0.35)];
    expect(median.decide(results, { trialId: 'a', epoch: 0.5, step: 50, maxSteps: 400 })).toEqual({ action: 'continue' });
    // At step 100 the median of 0.4 and 0.6 is 0.5: a's 0.45 is better.
    expect(median.decide(results, { trialId: 'a', epoch: 1, step: 100, maxSteps: 400 })).toEqual({ action: 'continue' });
    // At step 200 the median of 0.3 and 0.2 is 0.25.
    expect(median.decide(results, { trialId: 'a', epoch: 2, step: 200, maxSteps: 400 })).toEqual({
      action: 'stop',
      epoch: 2,
      reason: 'median rule: best 0.35 by step 200 is worse than the median 0.25 of 2 other trials at step 200',
    });
  });
});

describe('where a trial ends (the scheduler query)', () => {
  it('reads max_steps as the budget, or epochs × the steps per epoch the evaluation shows', () => {
    expect(scheduleQuery('a', { epochs: 3 }, { epoch: 0.5, step: 50 })).toEqual({ trialId: 'a', epoch: 0.5, step: 50, maxEpochs: 3, maxSteps: 300 });
    expect(scheduleQuery('a', { epochs: 3, max_steps: 120 }, { epoch: 0.5, step: 50 })).toEqual({ trialId: 'a', epoch: 0.5, step: 50, maxEpochs: 1.2, maxSteps: 120 });
    // An epoch-only trainer: its steps are unknown.
    expect(scheduleQuery('a', { epochs: 3 }, { epoch: 1 })).toEqual({ trialId: 'a', epoch: 1, maxEpochs: 3 });
  });
});

describe('the spec check of the step axis', () => {
  it('refuses min_steps for a trainer that reports epochs only, in one line naming the key', () => {
    const spec = { early_stopping: { type: 'asha' as const, min_steps: 10 } };
    expect(stepAxisProblem(spec, false)).toMatch(/^\/early_stopping\/min_steps: .*whole epochs only.*use min_epochs$/);
    expect(stepAxisProblem(spec, true)).toBeUndefined();
    expect(stepAxisProblem({ early_stopping: { type: 'asha', min_epochs: 1 } }, false)).toBeUndefined();
  });
});

describe('decisions on steps replayed from the journal', () => {
  it('a resume owes exactly the stop the interrupted run would have written', () => {
    const spec = { objective: { metric: 'val_loss' }, early_stopping: { type: 'asha' as const, min_steps: 50, reduction_factor: 2 } };
    const journal: JournalEvent[] = [];
    const push = (body: JournalEventBody) => journal.push({ ...body, seq: journal.length + 1, time: '' } as JournalEvent);
    const evaluation = (id: string, step: number, val_loss: number) => push({ type: 'epoch_ended', trial_id: id, metrics: { epoch: step / 100, step, val_loss } });
    for (const id of ['a', 'b']) push({ type: 'trial_started', trial_id: id, index: 0, params: { epochs: 2 }, slot: 0, attempt: 1, from_epoch: 0 });
    evaluation('a', 60, 0.3);
    evaluation('b', 60, 0.5); // the run was killed before the stop of b was written
    const stops = pendingStops(createScheduler(spec)!, resolveObjective(spec.objective), journal);
    expect(stops).toEqual([{ trialId: 'b', epoch: 0.6, rung: 0, reason: 'asha rung 0 (step 50, judged at step 60): best 0.5 is not in the top 1 of 2 trials at this rung (cutoff 0.3, reduction factor 2)' }]);
  });
});
