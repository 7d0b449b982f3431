// Early-stopping decisions at scale: the seconds a sweep's scheduler spends deciding, one decision
// after each evaluation, as the run loop asks them (the results array grows, each evaluation is
// decided as it arrives). Trials evaluate every 10 steps; values are seeded noise; each trial runs
// its whole curve whatever the decision, so every variant does the same work.
//
// The anchor is the same scheduler with `scan: true`: every decision reads every result recorded so
// far (what finesweep did before src/schedule/standings.ts), timed at a size it finishes in seconds.
//
// Then the same through `finesweep run` (`sweep`): 2,000 command trials of a shell script that
// prints 20 evaluations (`{"step": …}` every 10 steps) on stdout, ASHA on steps, two slots: the wall
// seconds and the run loop's cost an evaluation, with everything a real sweep does at each one
// (journal append, feed, metrics.jsonl, the decision, the stop). `--cli` runs another checkout's
// bin/finesweep.js on the same sweep (how bench/RESULTS.md's before/after was measured).
//
//   node dist/bench/schedule.js [--trials 10000] [--evaluations 20] [--anchor-trials 1000] [--sweep-trials 2000] [--cli PATH [--long]]
// (--long: 40 trials of 5,000 evaluations each, no early stopping, instead of the 20-evaluation sweep)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');

export interface SweepRun {
  trials: number;
  seconds: number;
  evaluations: number;
  stops: number;
  msPerEvaluation: number;
  /** `finesweep report` of the finished sweep (the table). */
  reportSeconds: number;
}

/**
 * A real sweep of command trials that report `evaluations` steps each, two slots, ASHA on steps
 * (`asha`: false for long trials that all run to their end), then `finesweep report` of it.
 */
export function benchSweep(trials = 2_000, evaluations = 20, cli = join(ROOT, 'bin/finesweep.js'), asha = true): SweepRun {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-schedule-'));
  try {
    // The value is a hash of the trial's `n` and the step: noise, the same for every run of the bench.
    writeFileSync(
      join(dir, 'evaluate.sh'),
      `i=1\nwhile [ $i -le ${evaluations} ]; do\n  echo "{\\"step\\": $((i*10)), \\"val_loss\\": 0.$(( (($1 * 7919 + i * 104729) % 9000) + 1000 ))}"\n  i=$((i+1))\ndone\n`,
    );
    const spec = {
      name: 'schedule',
      task: { type: 'command', command: ['sh', join(dir, 'evaluate.sh'), '{n}'], metrics: { from: 'stdout' } },
      seed: 1,
      strategy: { type: 'random', trials },
      parameters: { n: { distribution: 'int_uniform', min: 1, max: 1_000_000 }, max_steps: { value: evaluations * 10 } },
      objective: { metric: 'val_loss', goal: 'minimize' },
      ...(asha ? { early_stopping: { type: 'asha', min_steps: 10, reduction_factor: 3 } } : {}),
      resources: { workers: 2 },
    };
    const path = join(dir, 'schedule.json');
    writeFileSync(path, JSON.stringify(spec));
    const start = performance.now();
    const r = spawnSync(process.execPath, [cli, 'run', path, '--results', join(dir, 'results')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const seconds = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`bench/schedule: finesweep run exited ${r.status}: ${r.stderr.slice(-500)}`);
    const journal = readFileSync(join(dir, 'results', 'schedule', 'journal.jsonl'), 'utf8');
    const count = (type: string) => journal.split(`"type":"${type}"`).length - 1;
    const evals = count('epoch_ended');
    const reportStart = performance.now();
    const report = spawnSync(process.execPath, [cli, 'report', join(dir, 'results', 'schedule')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const reportSeconds = (performance.now() - reportStart) / 1000;
    if (report.status !== 0) throw new Error(`bench/schedule: finesweep report exited ${report.status}: ${report.stderr.slice(-500)}`);
    return { trials, seconds, evaluations: evals, stops: count('trial_stopped_early'), msPerEvaluation: (1000 * seconds) / evals, reportSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSweep(r: SweepRun): string {
  return `finesweep run: ${r.trials} command trials, ${r.evaluations} evaluations, ${r.stops} stopped by ASHA: ${r.seconds.toFixed(1)} s (${r.msPerEvaluation.toFixed(2)} ms an evaluation); report ${r.reportSeconds.toFixed(2)} s`;
}

export function formatSchedule(runs: readonly ScheduleRun[]): string {
  return runs
    .map((r) => `${r.rule.padEnd(6)} ${r.scan ? 'scan     ' : 'standings'} ${String(r.trials).padStart(6)} trials × ${r.evaluations} evaluations: ${r.seconds.toFixed(2)} s (${((1e6 * r.seconds) / (r.trials * r.evaluations)).toFixed(1)} µs a decision, ${r.stops} stops)`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { trials: { type: 'string' }, evaluations: { type: 'string' }, 'anchor-trials': { type: 'string' }, 'sweep-trials': { type: 'string' }, cli: { type: 'string' }, long: { type: 'boolean' } },
  });
  if (values.cli) {
    const cli = resolve(values.cli);
    console.log(formatSweep(values.long ? benchSweep(40, 5_000, cli, false) : benchSweep(Number(values['sweep-trials'] ?? 2000), 20, cli)));
    process.exit(0);
  }
  const runs = benchSchedule({
    ...(values.trials ? { trials: Number(values.trials) } : {}),
    ...(values.evaluations ? { evaluations: Number(values.evaluations) } : {}),
    ...(values['anchor-trials'] ? { anchorTrials: Number(values['anchor-trials']) } : {}),
  });
  console.log(formatSchedule(runs));
  console.log(formatSweep(benchSweep(Number(values['sweep-trials'] ?? 2000))));
  console.log(formatSweep(benchSweep(40, 5_000, join(ROOT, 'bin/finesweep.js'), false)));
}
