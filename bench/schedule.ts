// Early-stopping decisions at scale: the seconds a sweep's scheduler spends deciding, one decision
// after each evaluation, as the run loop asks them (the results array grows, each evaluation is
// decided as it arrives). Trials evaluate every 10 steps; values are seeded noise; each trial runs
// its whole curve whatever the decision, so every variant does the same work.
//
// The anchor is the same scheduler with `scan: true`: every decision reads every result recorded so
// far (what finesweep did before src/schedule/standings.ts), timed at a size it finishes in seconds.
//
//   node dist/bench/schedule.js [--trials 10000] [--evaluations 20] [--anchor-trials 1000]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AshaScheduler } from '../src/schedule/asha.js';
import { MedianScheduler } from '../src/schedule/median.js';
import type { EpochResult, Scheduler } from '../src/schedule/scheduler.js';

export interface ScheduleRun {
  rule: 'asha' | 'median';
  scan: boolean;
  trials: number;
  evaluations: number;
  seconds: number;
  stops: number;
}

function scheduler(rule: 'asha' | 'median', scan: boolean): Scheduler {
  return rule === 'asha'
    ? new AshaScheduler({ goal: 'minimize', minEpochs: 1, minSteps: 10, reductionFactor: 3, scan })
    : new MedianScheduler({ goal: 'minimize', minEpochs: 1, minSteps: 10, minTrials: 3, scan });
}

/** Two trials at a time, their evaluations interleaved, as two slots record them. */
export function runDecisions(rule: 'asha' | 'median', scan: boolean, trials: number, evaluations: number): ScheduleRun {
  const s = scheduler(rule, scan);
  let seed = 12345;
  const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const results: EpochResult[] = [];
  const maxSteps = evaluations * 10;
  let stops = 0;
  const t0 = performance.now();
  for (let t = 0; t < trials; t += 2) {
    for (let e = 1; e <= evaluations; e++) {
      for (const id of [t, t + 1]) {
        if (id >= trials) continue;
        const step = e * 10;
        const r: EpochResult = { trialId: `t${id}`, epoch: step / maxSteps, step, value: 1 / (1 + e * noise()) };
        results.push(r);
        if (s.decide(results, { trialId: r.trialId, epoch: r.epoch, step, maxSteps, maxEpochs: 1 }).action === 'stop') stops++;
      }
    }
  }
  return { rule, scan, trials, evaluations, seconds: (performance.now() - t0) / 1000, stops };
}

export function benchSchedule(o: { trials?: number; evaluations?: number; anchorTrials?: number } = {}): ScheduleRun[] {
  const trials = o.trials ?? 10_000;
  const evaluations = o.evaluations ?? 20;
  const anchor = o.anchorTrials ?? 1_000;
  const out: ScheduleRun[] = [];
  for (const rule of ['asha', 'median'] as const) {
    out.push(runDecisions(rule, true, anchor, evaluations));
    out.push(runDecisions(rule, false, anchor, evaluations));
    out.push(runDecisions(rule, false, trials, evaluations));
  }
  return out;
}

export function formatSchedule(runs: readonly ScheduleRun[]): string {
  return runs
    .map((r) => `${r.rule.padEnd(6)} ${r.scan ? 'scan     ' : 'standings'} ${String(r.trials).padStart(6)} trials × ${r.evaluations} evaluations: ${r.seconds.toFixed(2)} s (${((1e6 * r.seconds) / (r.trials * r.evaluations)).toFixed(1)} µs a decision, ${r.stops} stops)`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { trials: { type: 'string' }, evaluations: { type: 'string' }, 'anchor-trials': { type: 'string' } } });
  const runs = benchSchedule({
    ...(values.trials ? { trials: Number(values.trials) } : {}),
    ...(values.evaluations ? { evaluations: Number(values.evaluations) } : {}),
    ...(values['anchor-trials'] ? { anchorTrials: Number(values['anchor-trials']) } : {}),
  });
  console.log(formatSchedule(runs));
}
