// The run loop: a sweep's trials on a pool of slots, every step recorded in the store, which is
// the single source of truth (state = foldTrials(events)). `runSweep` starts a sweep from a spec;
// `resumeSweep` continues one from its directory. Decisions (what runs next, retries) are pure
// functions of the folded state (decide.ts); this module does the I/O around them.
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import type { BackendChoice, BackendName, ForgettingReport, TrialConfig, TrialEvent } from '../engine/types.js';
import { InputError, InterruptedError, SweepError } from '../errors.js';
import { discoverGpus } from '../pool/gpus.js';
import { TrialPool, type TrialRun } from '../pool/pool.js';
import type { TrialErrorInfo } from '../pool/protocol.js';
import { planSlots, type Slot } from '../pool/slots.js';
import { createScheduler, decideFromJournal, pendingStops, type Scheduler } from '../schedule/index.js';
import { historyFromJournal } from '../search/sampler.js';
import type { PlannedTrial } from '../search/space.js';
import { proposeNext } from '../search/tpe.js';
import { specHash } from '../spec/hash.js';
import { loadSpec } from '../spec/load.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { JournalEvent, JournalEventBody } from '../store/events.js';
import { foldTrials } from '../store/fold.js';
import { JournalStore } from '../store/journal-store.js';
import type { SweepState } from '../store/state.js';
import type { Store } from '../store/store.js';
import { attemptOf, fromEpochOf, tally, willRetry, workToDo, type TrialWork } from './decide.js';
import { expandTrials, trialId } from './expand.js';
import { objectiveOf, toTrialConfig } from './trial-config.js';

/** What the run loop tells a progress display, as it happens. */
export type SweepProgress =
  | { type: 'plan'; dir: string; name: string; total: number; done: number; slots: readonly Slot[]; resumed: boolean; metric: string }
  | { type: 'journal'; event: JournalEvent }
  | { type: 'trial'; trialId: string; slot: number; params: PlannedTrial['params']; event: TrialEvent };

export interface SweepRunOptions {
  /** Overrides resources.backend. */
  backend?: BackendChoice;
  /** Overrides resources.workers (CPU slots). */
  workers?: number;
  /** Test and benchmark only: run every trial as this synthetic kind (never set from a spec). */
  trialKind?: TrialConfig['kind'];
  /** Graceful stop (first Ctrl-C): no new trials; running ones checkpoint and are recorded stopped. */
  signal?: AbortSignal;
  /** Hard stop (second Ctrl-C): trial threads are terminated and processes killed. */
  kill?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Environment for GPU discovery (nvidia-smi on its PATH). */
  env?: NodeJS.ProcessEnv;
  /** Limits of each trial worker thread. */
  resourceLimits?: ResourceLimits;
  /** How long a stopped trial may take to reach its next batch before it is killed (default 60 s). */
  stopGraceMs?: number;
}

export interface RunOptions extends SweepRunOptions {
  /** The results directory; the sweep lives in <results>/<spec name>/ (default results/). */
  resultsDir?: string;
  /** Largest grid accepted (expandTrials' limit). */
  maxTrials?: number;
}

export interface SweepOutcome {
  dir: string;
  spec: ResolvedSpec;
  /** The trials of the plan (for a leaderboard that lists those never started). */
  planned: readonly PlannedTrial[];
  state: SweepState;
}

/** Start a sweep from its spec file. Refuses a directory that already holds a sweep. */
export async function runSweep(specPath: string, opts: RunOptions = {}): Promise<SweepOutcome> {
  const { spec, baseDir } = await loadSpec(specPath);
  const hash = specHash(spec);
  const dir = resolve(opts.resultsDir ?? 'results', spec.name);
  const planned = expandTrials(spec, { maxTrials: opts.maxTrials });
  // Synthetic trial kinds (tests, benchmarks) read no model or data.
  if (!opts.trialKind || opts.trialKind === 'train') checkInputPaths(spec, baseDir, specPath);
  const store = await JournalStore.open(dir, { create: true });
  await refuseExisting(store, hash);
  const lock = await store.lock();
  try {
    // Checked again under the lock: another controller may have started it meanwhile.
    await refuseExisting(store, hash);
    await store.writeSpec(spec, hash);
    const runner = new SweepRunner(store, spec, planned, [], { specDir: baseDir, backend: opts.backend, resumed: false }, opts);
    return await runner.run();
  } finally {
    await lock.release();
    await store.close();
  }
}

/**
 * A missing model or data path is found before the sweep directory exists: a typo fixed in the spec
 * can then simply be run again (once the directory exists, an edited spec is refused).
 */
function checkInputPaths(spec: ResolvedSpec, baseDir: string, specPath: string): void {
  const { model, data } = spec.task;
  const paths: Array<[string, string | undefined, 'directory' | 'file']> = [
    ['/task/model', model, 'directory'],
    ['/task/data/train', data.train, 'file'],
    ['/task/data/validation', data.validation, 'file'],
  ];
  const problems: string[] = [];
  for (const [pointer, path, kind] of paths) {
    if (path === undefined) continue;
    const abs = resolve(baseDir, path);
    let ok = false;
    try {
      ok = kind === 'directory' ? statSync(abs).isDirectory() : statSync(abs).isFile();
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`${specPath}: ${pointer}: ${kind} ${abs} does not exist`);
  }
  if (problems.length) throw new InputError(problems);
}

/** Continue a sweep from its directory: finished trials stay finished, interrupted ones continue. */
export async function resumeSweep(dir: string, opts: SweepRunOptions = {}): Promise<SweepOutcome> {
  const store = await JournalStore.open(dir, { create: false });
  try {
    // Checked before the lock is taken: a refused resume leaves the directory exactly as it was.
    const saved = await store.readSpec();
    if (!saved) throw new InputError(`${dir}: no spec.resolved.json; start the sweep with \`finesweep run <spec>\``);
    const spec = saved.spec as ResolvedSpec;
    const hash = specHash(spec);
    if (hash !== saved.hash) throw specChanged(saved.hash, hash, dir);
    const lock = await store.lock();
    try {
      const events = await store.events();
      const first = events.find((e): e is Extract<JournalEvent, { type: 'sweep_started' }> => e.type === 'sweep_started');
      if (first && first.spec_hash !== hash) throw specChanged(first.spec_hash, hash, dir);
      // The same plan as the first run: the same spec, and no more trials than it counted.
      const planned = expandTrials(spec, { maxTrials: first?.trials }).slice(0, first?.trials);
      const origin = { specDir: first?.spec_dir ?? dir, backend: opts.backend ?? first?.backend, resumed: true };
      return await new SweepRunner(store, spec, planned, events, origin, opts).run();
    } finally {
      await lock.release();
    }
  } finally {
    await store.close();
  }
}

async function refuseExisting(store: Store, hash: string): Promise<void> {
  const existing = await store.readSpec();
  if (!existing) return;
  if (existing.hash === hash) {
    throw new InputError(`${store.dir} already holds this sweep; continue it with: finesweep resume ${store.dir}`);
  }
  throw specChanged(existing.hash, hash, store.dir);
}

function specChanged(was: string, now: string, dir: string): InputError {
  return new InputError(
    `spec changed since the sweep started (hash ${was} ≠ ${now}); ` +
      `resume ${dir} with its original spec, or give the changed sweep a new name`,
  );
}

interface Origin {
  specDir: string;
  backend?: BackendChoice;
  resumed: boolean;
}

/** One run of the loop over a sweep's trials (a first run or a resume). */
class SweepRunner {
  readonly #store: Store;
  readonly #spec: ResolvedSpec;
  /** The trials of the plan: expanded from the spec, plus those the sampler proposed (tpe). */
  readonly #planned: PlannedTrial[];
  /** How many trials the sweep runs in all (tpe proposes the ones past its startup trials). */
  readonly #target: number;
  readonly #origin: Origin;
  readonly #opts: SweepRunOptions;
  /** Every event of the journal, in order (those read at start and those appended since). */
  readonly #events: JournalEvent[];
  /** The journal's events per trial: folding them gives that trial's state without a full fold. */
  readonly #byTrial = new Map<string, JournalEvent[]>();
  readonly #queue: TrialWork[] = [];
  readonly #wakeups: Array<() => void> = [];
  readonly #scheduler: Scheduler | undefined;
  readonly #stopAll = new AbortController();
  #running = 0;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #logs = new Map<string, Promise<void>>();
  #fatal: unknown;
  /** The first bad-input message a trial reported: the sweep stops and reports it. */
  #inputError: string | undefined;

  constructor(store: Store, spec: ResolvedSpec, planned: readonly PlannedTrial[], events: JournalEvent[], origin: Origin, opts: SweepRunOptions) {
    this.#store = store;
    this.#spec = spec;
    this.#planned = [...planned];
    // Trials a sampler proposed in an earlier run are part of the plan now (recorded in the journal).
    const known = new Set(planned.map((t) => t.id));
    const proposed = [...foldTrials(events).trials.values()].filter((t) => !known.has(t.id)).sort((a, b) => a.index - b.index);
    for (const t of proposed) this.#planned.push({ id: t.id, index: t.index, params: t.params });
    this.#target = spec.strategy.type === 'tpe' ? Math.max(spec.strategy.trials ?? 0, this.#planned.length) : this.#planned.length;
    this.#origin = origin;
    this.#opts = opts;
    this.#events = [];
    for (const e of events) this.#remember(e);
    this.#scheduler = createScheduler(spec);
  }

  async run(): Promise<SweepOutcome> {
    const opts = this.#opts;
    if (this.#scheduler) {
      // An early stop decided (from the recorded epochs) but not written before a crash: write it
      // now rather than train that trial further; the same journal always gives the same decisions.
      for (const stop of pendingStops(this.#scheduler, objectiveOf(this.#spec), this.#events)) {
        void this.#append({ type: 'trial_stopped_early', trial_id: stop.trialId, epoch: stop.epoch, ...(stop.rung !== undefined ? { rung: stop.rung } : {}), reason: stop.reason });
      }
      await this.#flush();
      if (this.#fatal !== undefined) throw asSweepError(this.#fatal, this.#store.dir);
    }
    const initial = foldTrials(this.#events);
    this.#queue.push(...workToDo(this.#planned, initial));
    const done = this.#planned.length - this.#queue.length;
    if (this.#queue.length === 0 && this.#planned.length >= this.#target && initial.completed) return this.#outcome(initial);

    const resources = this.#spec.resources;
    const gpus = await discoverGpus(resources.gpus as 0 | 'auto' | number[] | undefined, opts.env);
    const slots = planSlots({ gpus, trialsPerGpu: resources.trials_per_gpu, workers: opts.workers ?? resources.workers });
    await this.#append({
      type: 'sweep_started',
      name: this.#spec.name,
      spec_hash: specHash(this.#spec),
      trials: this.#target,
      resumed: this.#origin.resumed,
      pid: process.pid,
      host: hostname(),
      spec_dir: this.#origin.specDir,
      ...(this.#origin.backend ? { backend: this.#origin.backend } : {}),
    });
    opts.onProgress?.({ type: 'plan', dir: this.#store.dir, name: this.#spec.name, total: this.#target, done, slots, resumed: this.#origin.resumed, metric: objectiveOf(this.#spec).metric });

    const interrupt = (): void => this.#stopAll.abort(opts.signal?.reason ?? 'interrupted');
    opts.signal?.addEventListener('abort', interrupt, { once: true });
    if (opts.signal?.aborted) interrupt();
    const pool = new TrialPool({ slots, resourceLimits: opts.resourceLimits });
    try {
      await Promise.all(slots.map((slot) => this.#slotLoop(pool, slot)));
    } finally {
      opts.signal?.removeEventListener('abort', interrupt);
      await this.#flush();
      await pool.close();
    }
    if (this.#fatal !== undefined) throw asSweepError(this.#fatal, this.#store.dir);
    if (this.#inputError !== undefined) {
      throw new InputError(`${this.#inputError}; fix it, then continue with: finesweep resume ${this.#store.dir}`);
    }
    if (opts.signal?.aborted) {
      const reason = String(opts.signal.reason);
      throw new InterruptedError(`interrupted; resume with: finesweep resume ${this.#store.dir}`, reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    }
    // The end state is read back from the store, not from memory.
    const state = foldTrials(await this.#store.events());
    const t = tally(this.#planned, state);
    if (t.open === 0 && this.#planned.length >= this.#target && !state.completed) {
      await this.#append({ type: 'sweep_completed', completed: t.completed, failed: t.failed, diverged: t.diverged, stopped_early: t.stopped_early });
      return this.#outcome(foldTrials(await this.#store.events()));
    }
    return this.#outcome(state);
  }

  #outcome(state: SweepState): SweepOutcome {
    return { dir: this.#store.dir, spec: this.#spec, planned: this.#planned, state };
  }

  /** A slot takes the next trial as soon as it is free; it ends when no trial is left or due. */
  async #slotLoop(pool: TrialPool, slot: Slot): Promise<void> {
    for (;;) {
      if (this.#stopAll.signal.aborted) return;
      const work = this.#queue.shift() ?? this.#propose();
      if (work) {
        this.#running++;
        try {
          await this.#runTrial(pool, slot, work);
        } finally {
          this.#running--;
          this.#wake();
        }
        continue;
      }
      // Nothing queued: a running trial may still fail and be retried, so wait for that.
      if (this.#running === 0) return;
      await new Promise<void>((resolve) => this.#wakeups.push(resolve));
    }
  }

  /**
   * The next trial of a sampler that proposes at run time (tpe), from the trials finished so far;
   * recorded as trial_proposed, so a resume knows it. Undefined when the plan is complete.
   */
  #propose(): TrialWork | undefined {
    if (this.#planned.length >= this.#target) return undefined;
    const index = this.#planned.length;
    const history = historyFromJournal(this.#events, objectiveOf(this.#spec));
    const params = proposeNext(this.#spec, index, history);
    const trial: PlannedTrial = { id: trialId(index, this.#target, params, true), index, params };
    this.#planned.push(trial);
    void this.#append({ type: 'trial_proposed', trial_id: trial.id, index, params, sampler: 'tpe' });
    return { trial, attempt: 1 };
  }

  #wake(): void {
    for (const resolve of this.#wakeups.splice(0)) resolve();
  }

  async #runTrial(pool: TrialPool, slot: Slot, work: TrialWork): Promise<void> {
    const { trial, attempt } = work;
    const before = this.#trialState(trial.id);
    const fromEpoch = fromEpochOf(before);
    // Not awaited: the journal keeps call order, so this line precedes every event of the trial;
    // a crash before it is durable leaves the trial pending, and its checkpoint still resumes it.
    void this.#append({
      type: 'trial_started',
      trial_id: trial.id,
      index: trial.index,
      params: trial.params,
      slot: slot.id,
      attempt,
      ...(slot.gpu !== undefined ? { gpu: slot.gpu } : {}),
      from_epoch: fromEpoch,
    });
    const config = toTrialConfig(this.#spec, trial, {
      specDir: this.#origin.specDir,
      trialDir: this.#store.trialDir(trial.id),
      backend: this.#origin.backend,
    });
    if (this.#opts.trialKind) config.kind = this.#opts.trialKind;

    // Stop (graceful) on interrupt, timeout or an early-stop decision; kill on a hard stop or a
    // stop that does not reach a batch boundary within the grace period.
    const stop = new AbortController();
    const kill = new AbortController();
    let stopCause: { kind: 'interrupt' | 'timeout' | 'early'; epoch?: number; rung?: number; reason: string } | undefined;
    let ended = false;
    const stopFor = (cause: NonNullable<typeof stopCause>): void => {
      // A decision that lands after the trial ended (an early stop on its last epoch) changes nothing.
      if (ended || stop.signal.aborted) return;
      stopCause = cause;
      stop.abort(cause.reason);
      graceTimer = setTimeout(() => kill.abort(`no stop after ${graceMs / 1000} s`), graceMs);
      graceTimer.unref();
    };
    const graceMs = this.#opts.stopGraceMs ?? 60_000;
    let graceTimer: NodeJS.Timeout | undefined;
    const onInterrupt = (): void => stopFor({ kind: 'interrupt', reason: 'interrupted' });
    const onKill = (): void => kill.abort(this.#opts.kill?.reason ?? 'killed');
    this.#stopAll.signal.addEventListener('abort', onInterrupt, { once: true });
    this.#opts.kill?.addEventListener('abort', onKill, { once: true });
    if (this.#stopAll.signal.aborted) onInterrupt();
    const timeoutS = this.#spec.resources.trial_timeout_s;
    const timeout = timeoutS ? setTimeout(() => stopFor({ kind: 'timeout', reason: `timed out after ${timeoutS} s` }), timeoutS * 1000) : undefined;
    timeout?.unref();

    let backend: BackendName = config.backend === 'auto' ? 'wasm' : config.backend;
    let forgetting: ForgettingReport | undefined;
    let lastEpoch = fromEpoch;
    const onEvent = (event: TrialEvent): void => {
      this.#opts.onProgress?.({ type: 'trial', trialId: trial.id, slot: slot.id, params: trial.params, event });
      switch (event.type) {
        case 'backend':
          backend = event.name;
          void this.#log(trial.id, `backend ${event.name}: ${event.reason}`);
          break;
        case 'data_report':
          void this.#append({ type: 'data_report', trial_id: trial.id, report: event.report, backend });
          break;
        case 'epoch':
          lastEpoch = Math.max(lastEpoch, event.metrics.epoch);
          void this.#append({ type: 'epoch_ended', trial_id: trial.id, metrics: event.metrics }).then(() => this.#schedule(trial, event.metrics.epoch, config, stopFor));
          break;
        case 'forgetting':
          forgetting = event.report;
          break;
        case 'log':
          void this.#log(trial.id, event.message);
          break;
        case 'resumed':
          void this.#log(trial.id, `resumed from the checkpoint of epoch ${event.fromEpoch}`);
          break;
        case 'step':
          lastEpoch = Math.max(lastEpoch, event.epoch - 1);
          break;
      }
    };

    let run: TrialRun;
    try {
      run = await pool.run(slot, config, { stop: stop.signal, kill: kill.signal, onEvent });
    } finally {
      ended = true;
      clearTimeout(timeout);
      clearTimeout(graceTimer);
      this.#stopAll.signal.removeEventListener('abort', onInterrupt);
      this.#opts.kill?.removeEventListener('abort', onKill);
    }
    // Every event the trial sent was issued before its end; wait for them to be durable first.
    await this.#flush();
    if (this.#fatal !== undefined) return;

    if (run.ok && run.result.outcome === 'completed') {
      // A metric the journal missed (the process died between the checkpoint and the event) is
      // recorded from the result, so that the completed trial shows every epoch.
      const recorded = new Set(this.#trialState(trial.id)?.epochs.map((m) => m.epoch));
      for (const metrics of run.result.epochs) {
        if (!recorded.has(metrics.epoch)) await this.#append({ type: 'epoch_ended', trial_id: trial.id, metrics });
      }
      void this.#append({
        type: 'trial_completed',
        trial_id: trial.id,
        seconds: run.result.seconds,
        ...(forgetting ?? run.result.forgetting ? { forgetting: forgetting ?? run.result.forgetting } : {}),
        ...(run.result.initialValLoss !== undefined ? { initial_val_loss: run.result.initialValLoss } : {}),
      });
      return;
    }
    if (run.ok && run.result.outcome === 'diverged') {
      void this.#append({ type: 'trial_diverged', trial_id: trial.id, epoch: Math.max(lastEpoch, 1), reason: run.result.reason ?? 'loss is not finite' });
      return;
    }
    const epochNow = fromEpochOf(this.#trialState(trial.id));
    if (stopCause?.kind === 'timeout') {
      return this.#fail(trial, attempt, { name: 'Error', message: stopCause.reason, outOfMemory: false, input: false });
    }
    if (run.ok) {
      // Stopped: by an early-stop decision, or by an interrupt (resume continues it).
      if (stopCause?.kind === 'early') {
        void this.#append({ type: 'trial_stopped_early', trial_id: trial.id, epoch: stopCause.epoch ?? epochNow, ...(stopCause.rung !== undefined ? { rung: stopCause.rung } : {}), reason: stopCause.reason });
      } else {
        void this.#append({ type: 'trial_stopped', trial_id: trial.id, epoch: epochNow, reason: run.result.reason ?? stopCause?.reason ?? 'stopped' });
      }
      return;
    }
    if (this.#opts.kill?.aborted) return; // killed at once: the journal shows it running; resume continues it
    if (stopCause?.kind === 'early') {
      // Stopped early but killed after its grace period: still the scheduler's stop.
      void this.#append({ type: 'trial_stopped_early', trial_id: trial.id, epoch: stopCause.epoch ?? epochNow, ...(stopCause.rung !== undefined ? { rung: stopCause.rung } : {}), reason: stopCause.reason });
      return;
    }
    if (stopCause?.kind === 'interrupt') {
      // The trial did not stop within its grace period and was killed: still a stop, not a failure.
      await this.#append({ type: 'trial_stopped', trial_id: trial.id, epoch: epochNow, reason: `interrupted (${run.error.message})` });
      return;
    }
    await this.#fail(trial, attempt, run.error);
  }

  async #fail(trial: PlannedTrial, attempt: number, error: TrialErrorInfo): Promise<void> {
    if (error.input) return this.#badInput(trial, attempt, error);
    const maxRetries = this.#spec.resources.max_retries ?? 1;
    const retry = willRetry(attempt, maxRetries, error.input);
    await this.#log(trial.id, `attempt ${attempt} failed${error.outOfMemory ? ' (out of memory)' : ''}: ${error.stack ?? error.message}`);
    await this.#append({
      type: 'trial_failed',
      trial_id: trial.id,
      attempt,
      error: error.message,
      will_retry: retry,
      ...(error.outOfMemory ? { out_of_memory: true } : {}),
    });
    if (retry && !this.#stopAll.signal.aborted) {
      this.#queue.push({ trial, attempt: attemptOf(this.#trialState(trial.id)) });
      this.#wake();
    }
  }

  /**
   * Bad input (a model directory or data file the engine refuses) is the sweep's, not the trial's:
   * every trial shares it. Stop the sweep and report it (exit 2); the trial stays due (will_retry),
   * so that once the input is fixed, resume runs it again.
   */
  async #badInput(trial: PlannedTrial, attempt: number, error: TrialErrorInfo): Promise<void> {
    await this.#log(trial.id, `attempt ${attempt} stopped the sweep on bad input: ${error.message}`);
    await this.#append({ type: 'trial_failed', trial_id: trial.id, attempt, error: error.message, will_retry: true });
    this.#inputError ??= error.message;
    this.#stopAll.abort('bad input');
  }

  /** After an epoch is durable, ask the early-stopping scheduler (if any) whether the trial goes on. */
  #schedule(trial: PlannedTrial, epoch: number, config: TrialConfig, stopFor: (c: { kind: 'early'; epoch: number; rung?: number; reason: string }) => void): void {
    if (!this.#scheduler) return;
    const decision = decideFromJournal(this.#scheduler, objectiveOf(this.#spec), this.#events, { trialId: trial.id, epoch, maxEpochs: config.params.epochs });
    if (decision.action === 'stop') stopFor({ kind: 'early', epoch: decision.epoch, rung: decision.rung, reason: decision.reason });
  }

  #trialState(trialId: string) {
    const events = this.#byTrial.get(trialId);
    return events ? foldTrials(events).trials.get(trialId) : undefined;
  }

  #remember(event: JournalEvent): void {
    insertBySeq(this.#events, event);
    const id = (event as { trial_id?: string }).trial_id;
    if (id === undefined) return;
    let list = this.#byTrial.get(id);
    if (!list) this.#byTrial.set(id, (list = []));
    insertBySeq(list, event);
  }

  /**
   * Appends are issued at once, in the order they are asked for; the store keeps that order and
   * group-commits appends that arrive together (two slots finishing at once share one fsync). A
   * failed append (disk full, directory gone) is fatal to the sweep: no new trial starts and
   * running ones are stopped.
   */
  #append(body: JournalEventBody): Promise<JournalEvent | undefined> {
    if (this.#fatal !== undefined) return Promise.resolve(undefined);
    const written = this.#store.append(body).then(
      (event) => {
        this.#remember(event);
        this.#opts.onProgress?.({ type: 'journal', event });
        return event;
      },
      (err: unknown) => {
        this.#fatal ??= err;
        this.#stopAll.abort('store failure');
        return undefined;
      },
    );
    this.#pending.add(written);
    void written.then(() => this.#pending.delete(written));
    return written;
  }

  /** Wait until every append issued so far is durable (or failed). */
  async #flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Append to the trial's log.txt, one write at a time per trial so that lines keep their order. */
  #log(trialId: string, line: string): Promise<void> {
    const next = (this.#logs.get(trialId) ?? Promise.resolve()).then(() =>
      // A log line is a courtesy; the journal is the record. A full disk shows up on the next append.
      this.#store.log(trialId, line).catch(() => {}),
    );
    this.#logs.set(trialId, next);
    this.#pending.add(next);
    void next.then(() => {
      this.#pending.delete(next);
      if (this.#logs.get(trialId) === next) this.#logs.delete(trialId);
    });
    return next;
  }
}

/** Appends resolve nearly in order; keep the in-memory copy in journal (seq) order regardless. */
function insertBySeq(list: JournalEvent[], event: JournalEvent): void {
  let i = list.length;
  while (i > 0 && list[i - 1].seq > event.seq) i--;
  list.splice(i, 0, event);
}

function asSweepError(err: unknown, dir: string): Error {
  if (err instanceof SweepError || err instanceof InputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SweepError(`cannot record the sweep in ${dir}: ${message}`);
}

