// finesweep's arm of the race against Optuna, replayed on recorded learning curves instead of run:
// the sweep's own TPE sampler and ASHA scheduler (built from a spec as `finesweep run` builds them),
// two slots, each trial's evaluations at the times its curve recorded. A replay takes a second, so
// hundreds of seeds separate a rule's effect from the luck of which trial reaches a rung first,
// which a few live seeds cannot (bench/race.py runs the race itself; bench/race-replay.py drives
// this file beside Optuna's real sampler and pruner on the same curves).
//
//   node dist/bench/race-replay.js CURVES.jsonl --seeds 400 [--asha once|rejudge|seer --target V] [--trials 10] [--startup 4]
//
// `seer` is a bound, not a rule anyone can run: from its first rung on it stops every trial whose
// recorded curve never reaches V and keeps every other, knowing the future. What it reaches is the
// most any pruner could make of the same sampler on these curves.
//
// CURVES.jsonl (bench/race-curves.py): one line per run of examples/pytorch/train.py,
// {"lr", "bs", "seed", "points": [[seconds, step, epoch, val_accuracy], ...]}. A proposed learning
// rate takes the curve of the nearest recorded one (log scale) at its batch size; among recorded
// seeds, one picked by (sweep seed, trial index), so repeats of a point differ as live trials do.
// Prints one JSON line per sweep seed: {seed, reached: [[seconds, best so far], ...], evaluations, best, wall}.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createScheduler, scheduleQuery, type EpochResult, type Scheduler } from '../src/schedule/index.js';
import { tpeSampler } from '../src/search/tpe.js';
import type { FinishedTrial } from '../src/search/sampler.js';
import type { Params } from '../src/trial/types.js';

export interface Curve {
  lr: number;
  bs: number;
  seed: number;
  /** [seconds since the program started, step, epoch, val_accuracy] of each evaluation. */
  points: [number, number, number, number][];
}

export interface ReplayOptions {
  seed: number;
  trials: number;
  startup: number;
  slots: number;
  asha: 'once' | 'rejudge' | 'seer';
  /** seer: the value a trial's curve must reach to be kept. */
  target?: number;
  minSteps: number;
  reductionFactor: number;
}

export interface ReplayResult {
  seed: number;
  /** The best-so-far curve: [seconds since the sweep started, value] at each improvement. */
  reached: [number, number][];
  evaluations: number;
  best: number;
  wall: number;
}

/**
 * Modelled times, from the table's own medians: a start-up (interpreter, imports, model) and a cost
 * per optimizer step at each batch size. The recorded seconds of one run carry whatever else the
 * machine did then; the medians over all runs do not.
 */
export function timing(curves: readonly Curve[]): { startup: number; perStep: Map<number, number> } {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perStep = new Map<number, number>();
  for (const bs of new Set(curves.map((c) => c.bs))) {
    const rates: number[] = [];
    for (const c of curves.filter((x) => x.bs === bs)) {
      for (let i = 1; i < c.points.length; i++) rates.push((c.points[i][0] - c.points[i - 1][0]) / (c.points[i][1] - c.points[i - 1][1]));
    }
    perStep.set(bs, median(rates));
  }
  const startup = median(curves.map((c) => c.points[0][0] - c.points[0][1] * perStep.get(c.bs)!));
  return { startup, perStep };
}

function nearest(curves: readonly Curve[], lr: number, bs: number, pick: number): Curve {
  let best = Infinity;
  let found: Curve[] = [];
  for (const c of curves) {
    if (c.bs !== bs) continue;
    const d = Math.abs(Math.log(c.lr) - Math.log(lr));
    if (d < best - 1e-12) [best, found] = [d, [c]];
    else if (Math.abs(d - best) <= 1e-12) found.push(c);
  }
  if (found.length === 0) throw new Error(`race-replay: no recorded curve at batch size ${bs}`);
  return found[pick % found.length];
}

/** One sweep replayed: the race's spec (lr log-uniform 1e-5..1e-2 × batch 16|32, 4 epochs). */
export function replay(curves: readonly Curve[], o: ReplayOptions): ReplayResult {
  const spec = {
    seed: o.seed,
    parameters: {
      learning_rate: { distribution: 'log_uniform' as const, min: 1e-5, max: 1e-2 },
      batch_size: { values: [16, 32] },
      epochs: { value: 4 },
    },
    strategy: { type: 'tpe', trials: o.trials, n_startup_trials: o.startup },
    objective: { metric: 'val_accuracy', goal: 'maximize' as const },
    early_stopping: { type: 'asha' as const, min_steps: o.minSteps, reduction_factor: o.reductionFactor, rejudge: o.asha === 'rejudge' },
  };
  const sampler = tpeSampler(spec);
  const curveOf = new Map<string, Curve>();
  const scheduler: Scheduler = o.asha === 'seer' ? seer(curveOf, o.minSteps, o.target ?? Number.NaN) : createScheduler(spec)!;
  const { startup, perStep } = timing(curves);
  type Running = { id: string; params: Params; curve: Curve; next: number; t0: number; values: number[] };
  const running: Running[] = [];
  const history: FinishedTrial[] = [];
  const results: EpochResult[] = [];
  const reached: [number, number][] = [];
  let index = 0;
  let now = 0;
  let evaluations = 0;
  const at = (r: Running, i: number) => r.t0 + startup + r.curve.points[i][1] * perStep.get(r.curve.bs)!;
  const start = (t: number) => {
    if (index >= o.trials) return;
    const params = sampler.propose(index, history);
    // Knuth's multiplicative hash: a pick that differs from trial to trial and seed to seed.
    const pick = Math.imul(o.seed * 1000 + index, 2654435761) >>> 0;
    const curve = nearest(curves, params.learning_rate as number, params.batch_size as number, pick);
    curveOf.set(`t${index}`, curve);
    running.push({ id: `t${index}`, params, curve, next: 0, t0: t, values: [] });
    index++;
  };
  const finish = (r: Running) => {
    running.splice(running.indexOf(r), 1);
    history.push({ params: r.params, objective: Math.max(...r.values) });
    start(now);
  };
  for (let s = 0; s < o.slots; s++) start(0);
  while (running.length > 0) {
    // The next evaluation of any running trial; a tie goes to the earlier-started trial.
    const r = running.reduce((a, b) => (at(b, b.next) < at(a, a.next) ? b : a));
    now = at(r, r.next);
    const [, step, epoch, value] = r.curve.points[r.next++];
    evaluations++;
    r.values.push(value);
    if (reached.length === 0 || value > reached[reached.length - 1][1]) reached.push([Number(now.toFixed(2)), value]);
    results.push({ trialId: r.id, epoch, step, value });
    const decision = scheduler.decide(results, scheduleQuery(r.id, r.params, { epoch, step }));
    if (decision.action === 'stop' || r.next >= r.curve.points.length) finish(r);
  }
  return { seed: o.seed, reached, evaluations, best: reached.length ? reached[reached.length - 1][1] : Number.NaN, wall: Number(now.toFixed(2)) };
}

/** The clairvoyant pruner: stops at its first rung every trial whose whole curve stays below `target`. */
function seer(curveOf: ReadonlyMap<string, Curve>, minSteps: number, target: number): Scheduler {
  if (!Number.isFinite(target)) throw new RangeError('race-replay: --asha seer needs --target');
  return {
    name: 'asha',
    axis: 'step',
    decide(_results, query) {
      const curve = curveOf.get(query.trialId)!;
      const reaches = curve.points.some((p) => p[3] >= target - 1e-9);
      return (query.step ?? 0) < minSteps || reaches ? { action: 'continue' } : { action: 'stop', epoch: query.epoch, reason: 'seer: its curve never reaches the target' };
    },
  };
}

export function readCurves(path: string): Curve[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Curve);
}

if (process.argv[1]?.endsWith('race-replay.js')) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seeds: { type: 'string', default: '400' },
      asha: { type: 'string', default: 'rejudge' },
      trials: { type: 'string', default: '10' },
      startup: { type: 'string', default: '4' },
      target: { type: 'string' },
    },
  });
  const asha = values.asha;
  if (positionals.length !== 1 || (asha !== 'once' && asha !== 'rejudge' && asha !== 'seer') || (asha === 'seer' && values.target === undefined)) {
    process.stderr.write('usage: node dist/bench/race-replay.js CURVES.jsonl [--seeds N] [--asha once|rejudge|seer --target V] [--trials 10] [--startup 4]\n');
    process.exit(2);
  }
  const curves = readCurves(positionals[0]);
  for (let seed = 1; seed <= Number(values.seeds); seed++) {
    const target = values.target === undefined ? undefined : Number(values.target);
    const r = replay(curves, { seed, trials: Number(values.trials), startup: Number(values.startup), slots: 2, asha, ...(target !== undefined ? { target } : {}), minSteps: 15, reductionFactor: 3 });
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
}
