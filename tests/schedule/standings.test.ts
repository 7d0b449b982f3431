import { describe, expect, it } from 'vitest';
import { AshaScheduler } from '../../src/schedule/asha.js';
import { MedianScheduler } from '../../src/schedule/median.js';
import type { EpochResult, Scheduler, ScheduleQuery } from '../../src/schedule/scheduler.js';
import { scanField, Standings } from '../../src/schedule/standings.js';
import type { Goal } from '../../src/trial/objective.js';

// The schedulers answer from Standings, an index kept as results are appended; `scan: true` makes
// them read every result at each decision, the plain definition. Both must take the same decision,
// word for word, on any journal.

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Journal {
  results: EpochResult[];
  maxSteps: Map<string, number | undefined>;
  maxEpochs: Map<string, number | undefined>;
}

/**
 * Trials on grids of their own (a shared eval_every, another one, or steps of their own), values with
 * ties, NaN and Infinity, interleaved at random. `messy`: also epoch-only records, duplicates, and a
 * trial whose positions go back (the index then hands over to the scan).
 */
function journal(seed: number, messy: boolean): Journal {
  const r = rng(seed);
  const trials = 2 + Math.floor(r() * 14);
  const queues: EpochResult[][] = [];
  const maxSteps = new Map<string, number | undefined>();
  const maxEpochs = new Map<string, number | undefined>();
  for (let t = 0; t < trials; t++) {
    const id = `t${t}`;
    const every = [10, 10, 15, 20, 7][Math.floor(r() * 5)];
    const count = 1 + Math.floor(r() * 12);
    const stepsPerEpoch = [40, 60][Math.floor(r() * 2)];
    const q: EpochResult[] = [];
    let step = 0;
    for (let k = 0; k < count; k++) {
      step += r() < 0.2 ? 1 + Math.floor(r() * 30) : every;
      const u = r();
      const value = u < 0.04 ? Number.NaN : u < 0.06 ? Number.POSITIVE_INFINITY : Math.round(r() * 20) / 20;
      const withStep = !(messy && r() < 0.05);
      q.push({ trialId: id, epoch: step / stepsPerEpoch, ...(withStep ? { step } : {}), value });
      if (messy && r() < 0.03) q.push({ ...q[q.length - 1] });
    }
    if (messy && r() < 0.1 && q.length > 2) q.push({ trialId: id, epoch: q[0].epoch / 2, step: Math.max(1, (q[0].step ?? 2) - 1), value: r() });
    queues.push(q);
    const planned = r() < 0.2 ? undefined : step + (r() < 0.5 ? 0 : every);
    maxSteps.set(id, planned);
    maxEpochs.set(id, planned === undefined ? undefined : planned / stepsPerEpoch);
  }
  const results: EpochResult[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    results.push(open[Math.floor(r() * open.length)].shift()!);
  }
  return { results, maxSteps, maxEpochs };
}

const queryOf = (j: Journal, x: EpochResult): ScheduleQuery => ({
  trialId: x.trialId,
  epoch: x.epoch,
  ...(x.step !== undefined ? { step: x.step } : {}),
  maxSteps: j.maxSteps.get(x.trialId),
  maxEpochs: j.maxEpochs.get(x.trialId),
});

function pairs(goal: Goal): [string, () => Scheduler, () => Scheduler][] {
  const asha = (o: { minSteps?: number; minEpochs: number; reductionFactor: number; rejudge: boolean }) =>
    [() => new AshaScheduler({ goal, ...o }), () => new AshaScheduler({ goal, ...o, scan: true })] as const;
  const median = (o: { minSteps?: number; minEpochs: number; minTrials: number }) =>
    [() => new MedianScheduler({ goal, ...o }), () => new MedianScheduler({ goal, ...o, scan: true })] as const;
  return [
    ['asha steps', ...asha({ minSteps: 10, minEpochs: 1, reductionFactor: 3, rejudge: false })],
    ['asha steps rejudge', ...asha({ minSteps: 7, minEpochs: 1, reductionFactor: 2, rejudge: true })],
    ['asha epochs', ...asha({ minEpochs: 1, reductionFactor: 2, rejudge: false })],
    ['median steps', ...median({ minSteps: 10, minEpochs: 1, minTrials: 2 })],
    ['median epochs', ...median({ minEpochs: 1, minTrials: 1 })],
  ];
}

describe('schedulers from standings', () => {
  it('take the scan\'s decision at every evaluation of 300 random journals, as the journal grows and when asked later', () => {
    let decisions = 0;
    let stops = 0;
    let late = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const messy = seed % 3 === 0;
      const j = journal(seed, messy);
      const r = rng(seed * 31);
      for (const goal of ['minimize', 'maximize'] as const) {
        for (const [name, indexed, scanning] of pairs(goal)) {
          const fast = indexed();
          const slow = scanning();
          const growing: EpochResult[] = [];
          const owed: EpochResult[] = [];
          for (const x of j.results) {
            growing.push(x);
            // Some decisions are asked after a few more results are in (an evaluation made durable
            // while other trials recorded theirs; a resumed sweep replaying its journal).
            owed.push(x);
            while (owed.length > 0 && (r() < 0.7 || owed.length > 3)) {
              const y = owed.shift()!;
              if (y !== x) late++;
              const q = queryOf(j, y);
              const want = slow.decide(growing, q);
              expect(fast.decide(growing, q), `seed ${seed} ${goal} ${name} ${JSON.stringify(q)}`).toEqual(want);
              decisions++;
              if (want.action === 'stop') stops++;
            }
          }
          // A fresh copy of the whole journal (standings rebuilt), every record asked at the end.
          const copy = [...j.results];
          for (const y of j.results) expect(fast.decide(copy, queryOf(j, y))).toEqual(slow.decide(copy, queryOf(j, y)));
        }
      }
    }
    expect(decisions).toBeGreaterThan(20_000);
    expect(stops).toBeGreaterThan(2_000);
    expect(late).toBeGreaterThan(2_000);
  });

  it('answer each question as the scan does, from kept positions and past the cap from the rows', () => {
    let asked = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const j = journal(seed, false);
      const r = rng(seed * 17);
      for (const axis of ['step', 'epoch'] as const) {
        const s = new Standings(axis, 'maximize', 1 + Math.floor(r() * 3));
        expect(s.sync(j.results)).toBe(true);
        for (const x of j.results) {
          const q = queryOf(j, x);
          const field = s.field(q)!;
          const scan = scanField(j.results, q, axis, 'maximize');
          expect([field.at, field.previous]).toEqual([scan.at, scan.previous]);
          const top = axis === 'step' ? 200 : 5;
          for (const p of [field.at ?? 1, Math.ceil(r() * top), r() * top]) {
            expect(field.ownBest(p)).toBe(scan.ownBest(p));
            const [a, b] = [field.peers(p), scan.peers(p)];
            expect(a.count).toBe(b.count);
            for (let k = 0; k < b.count; k++) expect(a.kth(k)).toBe(b.kth(k));
            for (const v of [-1, -0.5, 0, Number.POSITIVE_INFINITY, b.count ? b.kth(0) : 0]) expect(a.below(v)).toBe(b.below(v));
            asked++;
          }
        }
      }
    }
    expect(asked).toBeGreaterThan(10_000);
  });

  it('answers from the index on a journal whose positions rise, and hands over to the scan when one goes back', () => {
    const s = new Standings('step', 'minimize');
    const results: EpochResult[] = [
      { trialId: 'a', epoch: 0.5, step: 10, value: 0.5 },
      { trialId: 'b', epoch: 0.5, step: 10, value: 0.4 },
      { trialId: 'a', epoch: 1, step: 20, value: 0.3 },
    ];
    expect(s.sync(results)).toBe(true);
    const field = s.field({ trialId: 'a', epoch: 1, step: 20 })!;
    expect(field.at).toBe(20);
    expect(field.previous).toBe(10);
    expect(field.ownBest(10)).toBe(0.5);
    expect(field.ownBest(20)).toBe(0.3);
    expect(field.peers(10).count).toBe(1);
    expect(field.peers(10).kth(0)).toBe(0.4);
    expect(field.peers(20).count).toBe(0);
    // Another array, or the same one rewritten: not an extension.
    expect(s.sync(results.slice(0, 2))).toBe(false);
    results.push({ trialId: 'b', epoch: 0.25, step: 5, value: 0.1 });
    expect(s.sync(results)).toBe(true);
    expect(s.field({ trialId: 'a', epoch: 1, step: 20 })).toBeUndefined();
  });
});
