// A sweep on a shared store (PostgreSQL), worked on by any number of processes on any number of
// machines. `createSharedSweep` records the spec and the planned trials once (a second `run` of
// the same spec joins; a changed spec is refused); `workSweep` is one worker: its slots claim due
// trials under leases (store/postgres/trial-leases.ts) and the supervisor runs them as usual.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { discoverGpus } from '../pool/gpus.js';
import type { ResolvedSpec } from '../spec/types.js';
import { LOG_FILE, METRICS_FILE, TRIALS_DIR } from '../store/layout.js';
import { poolSizeFor } from '../store/postgres/pool.js';
import { PgStore } from '../store/postgres/pg-store.js';
import { TrialLeases, type Proposer } from '../store/postgres/trial-leases.js';
import { LeasedStore } from '../worker/leased-store.js';
import { nextClaim } from '../worker/claim.js';
import { attemptOf } from './decide.js';
import { expandTrials, samplerOf, trialId } from './expand.js';
import { historyView } from './history.js';
import type { RunOptions, SweepOutcome, SweepRunOptions } from './options.js';
import { objectiveOf } from './request.js';
import { Supervisor } from './supervisor.js';
import { firstStart, planFromSpecFile, planOf, specChanged, sweepStarted, trainerOf, type Plan } from './plan.js';
import { openStore, type OpenStoreOptions } from '../store/open.js';
import type { JournalEvent } from '../store/events.js';
import { foldTrials } from '../store/fold.js';
import { isFinished } from '../trial/status.js';
import { withRepeats } from './rerun-session.js';
import type { RerunAsk, SweepWhere } from './rerun.js';

export interface SharedOptions {
  /** Where trials/<id>/ go; a directory shared by every worker lets a trial taken over resume from its checkpoint. */
  trialFiles?: string;
  heartbeatMs?: number;
  expiryMs?: number;
}

/** A shared sweep's store, opened through the store port (its scheme picks the backend): a database's, whose log takes trial leases. */
async function openShared(location: string, opts: OpenStoreOptions): Promise<PgStore> {
  const store = await openStore(location, opts);
  if (!(store instanceof PgStore)) {
    await store.close();
    throw new InputError(`--storage ${location}: a sweep across machines needs a database (postgresql://user@host:port/database)`);
  }
  return store;
}

/** Record a sweep in the database from its spec, or join it if the same spec is there already. */
export async function createSharedSweep(location: string, specPath: string, opts: RunOptions & SharedOptions = {}): Promise<string> {
  const plan = await planFromSpecFile(specPath, opts);
  // Budgets are one controller's clock and count; a shared sweep has many workers and neither.
  if ((plan.spec as { stop_when?: unknown }).stop_when !== undefined) {
    throw new InputError(`${specPath}: /stop_when: budgets are not supported on a shared sweep (--storage); remove stop_when, or run the sweep on a results directory`);
  }
  const store = await openShared(location, { create: true, sweep: plan.spec.name, trialFiles: opts.trialFiles });
  try {
    const lock = await store.lock(); // one creator at a time; held for a moment only
    try {
      const existing = await store.readSpec();
      if (existing && existing.hash !== plan.hash) throw specChanged(existing.hash, plan.hash, 'give the changed sweep a new name');
      if (!existing) {
        await store.writeSpec(plan.spec, plan.hash);
        await store.append(sweepStarted(plan, { specDir: plan.baseDir, backend: opts.backend, resumed: false }));
        await new TrialLeases(store.eventLog).register(plan.planned.map((t) => ({ id: t.id, index: t.index, params: t.params })));
      }
    } finally {
      await lock.release();
    }
    return plan.spec.name;
  } finally {
    await store.close();
  }
}

/** One worker on a shared sweep: claim, run, record, until no trial of the sweep is open. */
export async function workSweep(location: string, name: string, opts: SweepRunOptions & SharedOptions & { rerun?: RerunAsk } = {}): Promise<SweepOutcome> {
  // The pool is sized before the spec is read: from this machine's GPUs (or --gpus), else the CPU slots.
  const gpus = await discoverGpus(opts.gpus, opts.env).catch(() => []);
  const store = await openShared(location, { sweep: name, trialFiles: opts.trialFiles, poolSize: poolSizeFor(Math.max(opts.workers ?? 1, gpus.length)) });
  const leases = new TrialLeases(store.eventLog, { heartbeatMs: opts.heartbeatMs, expiryMs: opts.expiryMs });
  const leased = new LeasedStore(store, leases);
  try {
    const saved = await store.readSpec();
    if (!saved) throw new InputError(`sweep ${JSON.stringify(name)} in ${store.location} has no spec yet; create it with finesweep run --storage`);
    const spec = saved.spec as ResolvedSpec;
    const events = await leased.catchUp();
    const first = firstStart(events);
    const target = first?.trials ?? expandTrials(spec).length;
    const plan = planOf(spec, { recorded: target });
    const trainer = await trainerOf(spec, opts.trainer);
    const propose = proposerOf(spec, plan.planned.length, target);
    const claim = async () => {
      const t = await nextClaim(leased, { propose, signal: opts.signal });
      if (!t) return undefined;
      // What other workers recorded since the last claim (read incrementally, never the whole log).
      const history = await leased.catchUp();
      const state = leased.trialState(t.id);
      const last = state?.epochs.at(-1)?.epoch ?? 0;
      // Its checkpoint is where the trial files are shared (or it last ran here); else epoch 0.
      const fromEpoch = last > 0 && hasCheckpoint(join(store.dir, TRIALS_DIR, t.id)) ? last : 0;
      return {
        trial: { id: t.id, index: t.index, params: t.params },
        attempt: attemptOf(state),
        history,
        fromEpoch,
        lost: t.lost,
        done: () => leased.done(t.id),
      };
    };
    const origin = { specDir: first?.spec_dir ?? store.dir, backend: opts.backend ?? first?.backend, resumed: true };
    const where = { name: `sweep ${JSON.stringify(name)}`, resume: `finesweep resume --storage <url> ${name}` };
    // finesweep rerun --storage: the repeats are journaled (and claimable) before any slot starts.
    const before = opts.rerun ? await addRepeats(leased, plan, opts.rerun, where) : events;
    const outcome = await new Supervisor(leased, plan, before, trainer, origin, { ...opts, claim }).run();
    // A spec's rerun, once the sweep completed: every worker that sees it asks (the same repeats,
    // journaled once), and the repeats are claimed like any trial.
    if (!spec.rerun || !outcome.state.completed || opts.signal?.aborted) return outcome;
    const after = await addRepeats(leased, plan, spec.rerun, where);
    if (!hasOpenRepeat(after)) return outcome;
    return await new Supervisor(leased, plan, after, trainer, origin, { ...opts, claim }).run();
  } finally {
    await leased.close();
  }
}

/**
 * Journal the repeats `ask` still misses (rerun.ts) under the sweep's lock, and register every
 * repeat of the journal as claimable: all of them, not only the new ones, so that a worker killed
 * between the two leaves nothing unclaimable (registering is idempotent). The whole log after.
 */
async function addRepeats(store: LeasedStore, plan: Plan, ask: RerunAsk, where: SweepWhere): Promise<JournalEvent[]> {
  const lock = await store.lock();
  try {
    const events = await withRepeats(store, plan, await store.events(), ask, where);
    const repeats = events.filter((e): e is Extract<JournalEvent, { type: 'trial_proposed' }> => e.type === 'trial_proposed' && e.repeat_of !== undefined);
    await store.leases.register(repeats.map((e) => ({ id: e.trial_id, index: e.index, params: e.params })));
    return events;
  } finally {
    await lock.release();
  }
}

function hasOpenRepeat(events: readonly JournalEvent[]): boolean {
  return [...foldTrials(events).trials.values()].some((t) => t.repeatOf !== undefined && !isFinished(t.status));
}

/** Whether a trial directory holds the trainer's own files (its checkpoint), not only our views of the journal. */
function hasCheckpoint(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name !== LOG_FILE && name !== METRICS_FILE);
  } catch {
    return false;
  }
}

/**
 * The sampler's proposals at claim time, past the trials planned up front (tpe's after its startup
 * trials), from the shared history as it stands; none where the plan holds every trial (grid, random).
 */
function proposerOf(spec: ResolvedSpec, plannedCount: number, target: number): Proposer | undefined {
  if (plannedCount >= target) return undefined;
  const sampler = samplerOf(spec);
  // The sampler's history is read on from the last event this worker saw (each claim passes the
  // whole committed log, in seq order), so a proposal does not refold the sweep.
  const view = historyView(objectiveOf(spec));
  const history = view.init();
  let seenSeq = 0;
  let proposed = 0;
  return (events) => {
    let from = events.length;
    while (from > 0 && events[from - 1]!.seq > seenSeq) from--;
    for (const e of events.slice(from)) {
      view.apply(history, e);
      // A repeat (finesweep rerun) takes no index of the sampler's.
      if (e.type === 'trial_proposed' && e.repeat_of === undefined) proposed++;
      seenSeq = e.seq;
    }
    const index = plannedCount + proposed;
    if (index >= target) return undefined;
    const params = sampler.propose(index, history.history);
    return { id: trialId(index, target, params, true), index, params, sampler: sampler.name };
  };
}
