// A sweep's plan, built once for every way a sweep starts (run, resume, a shared sweep's creation
// and its workers): the spec and its hash, the trials planned up front, how many trials the sweep
// runs in all (a sampler that proposes at run time, tpe, proposes the rest), and its trainer. Also
// the two records every start shares: the refusal of a changed spec and the sweep_started event.
import { hostname } from 'node:os';
import { InputError } from '../errors.js';
import { specHash } from '../spec/hash.js';
import { loadSpec } from '../spec/load.js';
import { stepAxisProblem } from '../schedule/index.js';
import type { ResolvedSpec } from '../spec/types.js';
import { JOURNAL_FORMAT, type JournalEvent, type JournalEventBody } from '../store/events.js';
import { loadTrainer, trainerModule } from '../trainers/registry.js';
import type { Trainer } from '../trainers/trainer.js';
import type { PlannedTrial } from '../trial/types.js';
import { expandTrials, proposesAtRunTime } from './expand.js';

/** The trainer of the sweep: its module URL (for the pool) and the loaded module (to configure). */
export interface SweepTrainer {
  trainerUrl: string;
  trainer: Trainer;
}

export type SweepStarted = Extract<JournalEvent, { type: 'sweep_started' }>;

export interface Plan {
  spec: ResolvedSpec;
  hash: string;
  /** The trials planned before any result (all of a grid or random plan; tpe's startup trials). */
  planned: PlannedTrial[];
  /** How many trials the sweep runs in all. */
  target: number;
}

/**
 * How many trials a sweep runs: its planned trials, or `strategy.trials` where the sampler plans
 * fewer up front and proposes the rest at run time from the finished trials (tpe: see STRATEGIES).
 */
export function targetOf(spec: ResolvedSpec, planned: number): number {
  return proposesAtRunTime(spec) ? Math.max(spec.strategy.trials ?? 0, planned) : planned;
}

/**
 * The plan of a spec. `recorded`: the trials its first run counted (`trials` of its sweep_started),
 * so that a resumed or joined sweep plans the same trials and no more.
 */
export function planOf(spec: ResolvedSpec, opts: { maxTrials?: number; recorded?: number } = {}): Plan {
  const planned = opts.recorded === undefined ? expandTrials(spec, { maxTrials: opts.maxTrials }) : expandTrials(spec, { maxTrials: opts.recorded }).slice(0, opts.recorded);
  return { spec, hash: specHash(spec), planned, target: targetOf(spec, planned.length) };
}

/** The trainer of a spec's task (or the one a test or benchmark names), loaded. */
export async function trainerOf(spec: ResolvedSpec, url?: string): Promise<SweepTrainer> {
  const trainerUrl = url ?? trainerModule(spec.task.type);
  return { trainerUrl, trainer: await loadTrainer(trainerUrl) };
}

/**
 * A new sweep's plan from its spec file, with the inputs its trainer can check (paths, programs)
 * checked before anything is recorded.
 */
export async function planFromSpecFile(
  specPath: string,
  opts: { maxTrials?: number; trainer?: string; backend?: string },
): Promise<Plan & { baseDir: string; trainer: SweepTrainer }> {
  const { spec, baseDir } = await loadSpec(specPath);
  const plan = planOf(spec, { maxTrials: opts.maxTrials });
  const trainer = await trainerOf(spec, opts.trainer);
  await trainer.trainer.check?.(spec.task, { specDir: baseDir, specPath, backend: opts.backend ?? spec.resources.backend });
  const stepProblem = stepAxisProblem(spec, trainer.trainer.reportsSteps?.(spec.task) ?? false);
  if (stepProblem !== undefined) throw new InputError(`${specPath}: ${stepProblem}`);
  return { ...plan, baseDir, trainer };
}

/** The refusal of a spec whose hash is not the one its sweep started with; `advice` says what to do instead. */
export function specChanged(was: string, now: string, advice: string): InputError {
  return new InputError(`spec changed since the sweep started (hash ${was} ≠ ${now}); ${advice}`);
}

/** The first sweep_started event of a journal, if any (what the first run recorded). */
export function firstStart(events: readonly JournalEvent[]): SweepStarted | undefined {
  return events.find((e): e is SweepStarted => e.type === 'sweep_started');
}

/** The sweep_started event of a run (a first run, a resume, or a shared sweep's creation). */
export function sweepStarted(plan: Plan, origin: { specDir: string; backend?: string; resumed: boolean }): JournalEventBody {
  return {
    type: 'sweep_started',
    name: plan.spec.name,
    spec_hash: plan.hash,
    trials: plan.target,
    resumed: origin.resumed,
    pid: process.pid,
    host: hostname(),
    spec_dir: origin.specDir,
    ...(origin.backend ? { backend: origin.backend } : {}),
    format: JOURNAL_FORMAT,
  };
}
