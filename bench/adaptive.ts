// Adaptive search on the shipped model and data (spam classification, val_loss):
// 1. a random search run to completion vs the same trials under ASHA (both real sweeps through the
//    run loop and its worker pool): trial-epochs spent and the best objective each found. Goal:
//    ASHA within 1% of the full run's best for <= 0.4x its epochs. ASHA is also replayed on the
//    full run's recorded curves (simulate), which needs no training and shows the same decision
//    rule without the timing of the real run.
// 2. TPE vs random for the same budget (trials x epochs): TPE's startup trials are the random
//    search's first draws (same seed), so only its model-based trials are trained here, on the same
//    slots, each proposed from the trials finished when its slot freed.
// Runnable alone: `node dist/bench/adaptive.js [--synthetic]` (--synthetic: the 'noop' trial kind,
// no training, to check the plumbing).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EpochMetrics } from '../src/trial/types.js';
import { TrialPool } from '../src/pool/pool.js';
import { planSlots } from '../src/pool/slots.js';
import { createScheduler } from '../src/schedule/index.js';
import { simulate, type RecordedTrial } from './simulate.js';
import type { FinishedTrial } from '../src/search/sampler.js';
import { TpeSampler } from '../src/search/tpe.js';
import { spaceOf, trialId } from '../src/sweep/expand.js';
import { runSweep } from '../src/sweep/session.js';
import { trialRequest } from '../src/sweep/request.js';
import { loadTrainer, trainerModule } from '../src/trainers/registry.js';
import { syntheticTrainerUrl } from './trainers/index.js';
import { readJournal } from '../src/store/journal.js';
import type { JournalEvent } from '../src/store/events.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), existsSync(fileURLToPath(new URL('../package.json', import.meta.url))) ? '..' : '../..');

export interface AdaptiveOptions {
  trials?: number;
  epochs?: number;
  nStartup?: number;
  workers?: number;
  maxExamples?: number;
  /** Tokens per example (the model's context by default; shorter = a cheaper benchmark). */
  maxLength?: number;
  seed?: number;
  reductionFactor?: number;
  /** Base model directory (default: the shipped models/base). */
  model?: string;
  /** Keep the sweeps' directories here instead of deleting them (for a closer look at the journals). */
  keep?: string;
  /** ASHA's grace period and first rung (default 1). */
  minEpochs?: number;
  /** The 'noop' trial kind instead of training (plumbing check only). */
  synthetic?: boolean;
  onLog?: (line: string) => void;
}

export interface ArmResult {
  trials: number;
  /** Epochs trained over all trials. */
  trialEpochs: number;
  /** Best objective (val_loss) over every epoch trained. */
  best: number;
  bestTrial: string;
  seconds: number;
}

export interface AdaptiveBench {
  model: string;
  trials: number;
  epochs: number;
  workers: number;
  full: ArmResult;
  asha: ArmResult & {
    stopped: number;
    epochRatio: number;
    bestGap: number;
    goalMet: boolean;
    /** Epochs trials recorded after the epoch their stop was decided at (the stop's latency). */
    epochsAfterStop: number;
  };
  ashaReplay: { trialEpochs: number; best: number; epochRatio: number; bestGap: number; stopped: number };
  /** Same budget (trials x epochs): TPE vs the random search of the same seed. */
  tpe: ArmResult;
  random: ArmResult;
  /**
   * The trials after the startup ones (the part where the two differ): best and mean of each
   * trial's best val_loss, TPE's model-based trials vs the random search's trials at the same indices.
   */
  afterStartup: { tpe: { best: number; mean: number }; random: { best: number; mean: number } };
  /** The full run's learning curves (val_loss by epoch), in plan order. */
  curves: Array<{ trial: string; learning_rate: number; batch_size: number; val_loss: number[] }>;
}

type Curves = Map<string, { index: number; metrics: EpochMetrics[] }>;

function curvesOf(events: readonly JournalEvent[]): Curves {
  const out: Curves = new Map();
  for (const e of events) {
    if (e.type === 'trial_started' && !out.has(e.trial_id)) out.set(e.trial_id, { index: e.index, metrics: [] });
    if (e.type === 'epoch_ended') {
      const c = out.get(e.trial_id)!;
      if (!c.metrics.some((m) => m.epoch === e.metrics.epoch)) c.metrics.push(e.metrics);
    }
  }
  return out;
}

const finiteMin = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => Math.min(a, b), Infinity);

function arm(curves: Curves, seconds: number, only?: (index: number) => boolean): ArmResult {
  let best = Infinity;
  let bestTrial = '';
  let trialEpochs = 0;
  let trials = 0;
  for (const [id, c] of curves) {
    if (only && !only(c.index)) continue;
    trials++;
    trialEpochs += c.metrics.length;
    const b = finiteMin(c.metrics.map((m) => (m.val_loss ?? Number.NaN)));
    if (b < best) [best, bestTrial] = [b, id];
  }
  return { trials, trialEpochs, best, bestTrial, seconds };
}

export async function benchAdaptive(opts: AdaptiveOptions = {}): Promise<AdaptiveBench> {
  const trials = opts.trials ?? 12;
  const epochs = opts.epochs ?? 9;
  const nStartup = opts.nStartup ?? 4;
  const workers = opts.workers ?? 2;
  const rf = opts.reductionFactor ?? 3;
  const minEpochs = opts.minEpochs ?? 1;
  const log = opts.onLog ?? (() => {});
  const model = resolve(opts.model ?? join(ROOT, 'models', 'base'));
  const work = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'finesweep-bench-adaptive-'));
  mkdirSync(work, { recursive: true });
  try {
    const spec = (name: string, extra: object) => {
      const file = join(work, `${name}.json`);
      writeFileSync(file, JSON.stringify({
        name,
        seed: opts.seed ?? 3,
        task: {
          type: 'classification',
          model,
          data: { train: join(ROOT, 'sweeps', 'data', 'spam.jsonl'), split: 0.2, max_examples: opts.maxExamples ?? 240, max_length: opts.maxLength ?? 32 },
          forgetting: false,
        },
        strategy: { type: 'random', trials },
        parameters: {
          learning_rate: { distribution: 'log_uniform', min: 1e-5, max: 1e-2 },
          batch_size: { values: [16, 32] },
          epochs: { value: epochs },
          weight_decay: { distribution: 'uniform', min: 0, max: 0.1 },
        },
        objective: { metric: 'val_loss' },
        resources: { workers },
        ...extra,
      }));
      return file;
    };
    const runOpts = { resultsDir: join(work, 'results'), workers, ...(opts.synthetic ? { trainer: syntheticTrainerUrl('noop') } : {}) };

    log(`full: ${trials} random trials x ${epochs} epochs on ${workers} slots`);
    let t0 = performance.now();
    const fullRun = await runSweep(spec('adaptive-full', {}), runOpts);
    const fullSeconds = (performance.now() - t0) / 1000;
    const fullEvents = (await readJournal(join(fullRun.dir, 'journal.jsonl'))).events;
    const fullCurves = curvesOf(fullEvents);
    const full = arm(fullCurves, fullSeconds);

    log(`asha: the same trials, min_epochs ${minEpochs}, reduction_factor ${rf}`);
    t0 = performance.now();
    const ashaRun = await runSweep(spec('adaptive-asha', { early_stopping: { type: 'asha', min_epochs: minEpochs, reduction_factor: rf } }), runOpts);
    const ashaSeconds = (performance.now() - t0) / 1000;
    const ashaEvents = (await readJournal(join(ashaRun.dir, 'journal.jsonl'))).events;
    const ashaArm = arm(curvesOf(ashaEvents), ashaSeconds);
    const stops = new Map(ashaEvents.flatMap((e) => (e.type === 'trial_stopped_early' ? [[e.trial_id, e.epoch] as const] : [])));
    const stopped = stops.size;
    const epochsAfterStop = [...curvesOf(ashaEvents)].reduce((n, [id, c]) => n + c.metrics.filter((m) => m.epoch > (stops.get(id) ?? Infinity)).length, 0);
    const gap = (best: number) => (best - full.best) / Math.abs(full.best);
    const asha = {
      ...ashaArm,
      stopped,
      epochsAfterStop,
      epochRatio: ashaArm.trialEpochs / full.trialEpochs,
      bestGap: gap(ashaArm.best),
      goalMet: ashaArm.trialEpochs <= 0.4 * full.trialEpochs && gap(ashaArm.best) <= 0.01,
    };

    // The same rule replayed on the full run's curves, in plan order on the same number of slots.
    const recorded: RecordedTrial[] = [...fullCurves]
      .sort((a, b) => a[1].index - b[1].index)
      .map(([id, c]) => ({ id, curve: c.metrics.map((m) => (m.val_loss ?? Number.NaN)), seconds: c.metrics.map((m) => (m.seconds ?? 0)), planned: epochs }));
    const replay = simulate(recorded, { slots: workers, metric: 'val_loss', scheduler: createScheduler({ early_stopping: { type: 'asha', min_epochs: minEpochs, reduction_factor: rf } })! });
    const replayBest = finiteMin(replay.events.flatMap((e) => (e.type === 'epoch_ended' ? [e.metrics.val_loss ?? Number.NaN] : [])));
    const ashaReplay = { trialEpochs: replay.epochs, best: replayBest, epochRatio: replay.epochs / full.trialEpochs, bestGap: gap(replayBest), stopped: replay.stopped.size };

    // TPE vs random, same budget. TPE's startup trials are the random search's first draws (same
    // seed), so their recorded results seed its history; the model-based trials then run on the
    // same slots, each proposed when a slot frees, from the trials finished by then.
    log(`tpe: ${trials - nStartup} model-based trials after the ${nStartup} random ones, on ${workers} slots`);
    const resolved = fullRun.spec;
    const sampler = new TpeSampler(spaceOf(resolved), { seed: resolved.seed, goal: 'minimize', nStartup });
    const byIndex = [...fullCurves].sort((a, b) => a[1].index - b[1].index);
    const history: FinishedTrial[] = byIndex.slice(0, nStartup).map(([id, c]) => ({
      params: fullRun.planned.find((p) => p.id === id)!.params,
      objective: finiteMin(c.metrics.map((m) => (m.val_loss ?? Number.NaN))),
    }));
    const tpeCurves: Curves = new Map(byIndex.slice(0, nStartup));
    t0 = performance.now();
    const trainerUrl = opts.synthetic ? syntheticTrainerUrl('noop') : trainerModule(resolved.task.type);
    const trainer = await loadTrainer(trainerUrl);
    const pool = new TrialPool({ slots: planSlots({ gpus: [], workers }) });
    let next = nStartup;
    try {
      await Promise.all(pool.slots.map(async (slot) => {
        for (let index = next++; index < trials; index = next++) {
          const params = sampler.propose(index, history);
          const id = trialId(index, trials, params, true);
          const dir = join(work, 'tpe', id);
          mkdirSync(dir, { recursive: true });
          const request = trialRequest(resolved, { id, index, params }, { dir });
          const config = trainer.configure(resolved.task, request, { specDir: work, backend: resolved.resources.backend });
          const run = await pool.run(slot, { trainer: trainerUrl, config });
          const metrics = run.ok ? run.result.epochs : [];
          const best = finiteMin(metrics.map((m) => (m.val_loss ?? Number.NaN)));
          history.push({ params, objective: Number.isFinite(best) ? best : Number.NaN });
          tpeCurves.set(id, { index, metrics });
          log(`  tpe trial ${index}: lr ${(params.learning_rate as number).toExponential(2)} batch ${params.batch_size} → best val_loss ${best.toFixed(4)}${run.ok ? '' : ` (failed: ${run.error.message})`}`);
        }
      }));
    } finally {
      await pool.close();
    }
    const tpeSeconds = (performance.now() - t0) / 1000;
    const startupShare = full.seconds * (nStartup / trials);
    const tpe = arm(tpeCurves, tpeSeconds + startupShare);
    const random = arm(fullCurves, full.seconds);
    const curves = byIndex.map(([id, c]) => {
      const p = fullRun.planned.find((t) => t.id === id)!.params;
      return { trial: id, learning_rate: p.learning_rate as number, batch_size: p.batch_size as number, val_loss: c.metrics.map((m) => Number((m.val_loss ?? Number.NaN).toFixed(4))) };
    });
    const summary = (cs: Curves) => {
      const bests = [...cs.values()].filter((c) => c.index >= nStartup).map((c) => finiteMin(c.metrics.map((m) => (m.val_loss ?? Number.NaN))));
      return { best: Math.min(...bests), mean: bests.reduce((a, b) => a + b, 0) / bests.length };
    };
    const afterStartup = { tpe: summary(tpeCurves), random: summary(fullCurves) };
    return { model, trials, epochs, workers, full, asha, ashaReplay, tpe, random, afterStartup, curves };
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}


export function formatAdaptive(r: AdaptiveBench): string {
  const f = (x: number) => x.toFixed(4);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    `adaptive (${r.trials} random trials x ${r.epochs} epochs, ${r.workers} slots, val_loss, model ${r.model}):`,
    `  full run:   ${r.full.trialEpochs} trial-epochs, best ${f(r.full.best)} (${r.full.bestTrial}), ${r.full.seconds.toFixed(0)} s`,
    `  asha: ${r.asha.trialEpochs} trial-epochs (${r.asha.epochRatio.toFixed(2)}x), best ${f(r.asha.best)} (${pct(r.asha.bestGap)} from full), ` +
      `${r.asha.stopped} stopped (${r.asha.epochsAfterStop} epochs trained after a stop was decided), ${r.asha.seconds.toFixed(0)} s — goal (<=0.4x epochs, within 1%) ${r.asha.goalMet ? 'met' : 'NOT met'}`,
    `  asha replayed on the full curves: ${r.ashaReplay.trialEpochs} trial-epochs (${r.ashaReplay.epochRatio.toFixed(2)}x), best ${f(r.ashaReplay.best)} (${pct(r.ashaReplay.bestGap)}), ${r.ashaReplay.stopped} stopped`,
    `  same budget (${r.trials} x ${r.epochs}): tpe best ${f(r.tpe.best)} vs random best ${f(r.random.best)}; ` +
      `after the shared startup trials: tpe best ${f(r.afterStartup.tpe.best)} mean ${f(r.afterStartup.tpe.mean)}, ` +
      `random best ${f(r.afterStartup.random.best)} mean ${f(r.afterStartup.random.mean)}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // node dist/bench/adaptive.js [--synthetic] [--model DIR] [--trials N] [--epochs N] [--workers N] [--max-examples N] [--max-length N] [--min-epochs N] [--reduction-factor N] [--keep DIR]
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const num = (flag: string) => (arg(flag) === undefined ? undefined : Number(arg(flag)));
  const r = await benchAdaptive({
    synthetic: process.argv.includes('--synthetic'),
    model: arg('--model'),
    trials: num('--trials'),
    epochs: num('--epochs'),
    workers: num('--workers'),
    maxExamples: num('--max-examples'),
    maxLength: num('--max-length'),
    minEpochs: num('--min-epochs'),
    reductionFactor: num('--reduction-factor'),
    keep: arg('--keep'),
    onLog: (l) => console.error(l),
  });
  console.log(formatAdaptive(r));
  console.log(JSON.stringify(r));
}
