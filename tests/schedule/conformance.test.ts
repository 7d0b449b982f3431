// Every Scheduler implementation honours the same contract.
import { describe, expect, it } from 'vitest';
import { AshaScheduler } from '../../src/schedule/asha.js';
import { MedianScheduler } from '../../src/schedule/median.js';
import { createScheduler } from '../../src/schedule/index.js';
import type { EpochResult, Scheduler } from '../../src/schedule/scheduler.js';
import { simulate } from '../../bench/simulate.js';
import { Sfc32 } from '../../src/rng.js';

/** Results of `n` trials of 6 epochs, interleaved in a seeded random order. */
function interleaved(n: number, seed: number): EpochResult[] {
  const rng = new Sfc32(seed);
  const next = Array.from({ length: n }, () => 1);
  const out: EpochResult[] = [];
  while (next.some((e) => e <= 6)) {
    const open = next.map((e, i) => (e <= 6 ? i : -1)).filter((i) => i >= 0);
    const i = open[rng.int(0, open.length - 1)];
    out.push({ trialId: `t${i}`, epoch: next[i], value: 1 + rng.next() - 0.05 * next[i] });
    next[i]++;
  }
  return out;
}

// The last: how many epochs trial a trains in the diverged replay below. Rejudged, a (first at rung
// 2 with 0.9) stops at epoch 3, when x is at rung 2 too with its best of 0.5 before it diverged.
describe.each<[string, () => Scheduler, number]>([
  ['median', () => new MedianScheduler({ goal: 'minimize', minEpochs: 2, minTrials: 2 }), 6],
  ['asha', () => new AshaScheduler({ goal: 'minimize', minEpochs: 2, reductionFactor: 2 }), 6],
  ['asha with rejudge', () => new AshaScheduler({ goal: 'minimize', minEpochs: 2, reductionFactor: 2, rejudge: true }), 3],
])('the %s scheduler', (_name, make, epochsOfA) => {
  const results = interleaved(12, 1);
  const decisions = (s: Scheduler, rs: readonly EpochResult[], upTo: number) =>
    rs.slice(0, upTo).map((r) => s.decide(rs, { trialId: r.trialId, epoch: r.epoch, maxEpochs: 6 }));

  it('decides from the results recorded before the query: later results change nothing', () => {
    const s = make();
    const all = decisions(s, results, results.length);
    for (const cut of [1, 10, 30, 50, results.length]) {
      expect(decisions(s, results.slice(0, cut), cut)).toEqual(all.slice(0, cut));
    }
    expect(all.filter((d) => d.action === 'stop').length).toBeGreaterThan(0);
  });

  it('keeps no state between calls', () => {
    const a = make();
    decisions(a, interleaved(12, 99), 72);
    expect(decisions(a, results, results.length)).toEqual(decisions(make(), results, results.length));
  });

  it('never stops before min_epochs nor at the last epoch', () => {
    const all = decisions(make(), results, results.length);
    results.forEach((r, i) => {
      if (r.epoch < 2 || r.epoch === 6) expect(all[i]).toEqual({ action: 'continue' });
    });
  });

  it('refuses a query whose result is not recorded', () => {
    expect(() => make().decide(results, { trialId: 'nobody', epoch: 1, maxEpochs: 6 })).toThrow(/no recorded result for trial nobody epoch 1/);
  });

  it('lets a trial whose recorded curve ends early (diverged) end there in a replay', () => {
    const r = simulate(
      [
        { id: 'a', curve: [1, 0.9, 0.8, 0.7, 0.6, 0.5] },
        { id: 'x', curve: [0.5, Number.NaN], planned: 6 },
        { id: 'y', curve: [], planned: 6 },
      ],
      { slots: 2, metric: 'val_loss', scheduler: make() },
    );
    expect(r.events.filter((e) => e.type === 'trial_diverged').map((e) => (e as { trial_id: string }).trial_id)).toEqual(['x', 'y']);
    expect(r.epochs).toBe(epochsOfA + 2 + 1);
  });
});

describe('createScheduler', () => {
  it('gives none for an absent or "none" early_stopping', () => {
    expect(createScheduler({})).toBeUndefined();
    expect(createScheduler({ early_stopping: { type: 'none' } })).toBeUndefined();
  });

  it('fills the schema defaults (min_epochs 1, min_trials 3, reduction_factor 3)', () => {
    const asha = createScheduler({ early_stopping: { type: 'asha' } }) as AshaScheduler;
    expect(asha.name).toBe('asha');
    expect(asha.rungs(10)).toEqual([1, 3, 9]);
    const median = createScheduler({ early_stopping: { type: 'median' } })!;
    // Three others are needed at epoch 1: the fourth trial is the first that can be stopped.
    const r = simulate(['a', 'b', 'c', 'd'].map((id, i) => ({ id, curve: [i === 0 ? 9 : 1 + i / 10, 1] })), { slots: 1, metric: 'val_loss', scheduler: median });
    expect([...r.stopped.keys()]).toEqual(['d']);
  });

  it('rejects options out of range', () => {
    expect(() => new AshaScheduler({ goal: 'minimize', minEpochs: 1, reductionFactor: 1 })).toThrow(RangeError);
    expect(() => new MedianScheduler({ goal: 'minimize', minEpochs: 0, minTrials: 1 })).toThrow(RangeError);
  });
});
