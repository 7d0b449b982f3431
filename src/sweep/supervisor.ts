// The supervisor: one run of a sweep's trials on a pool of slots (a first run or a resume). Each
// slot takes the next trial as soon as it is free; this module owns the timers (stop, kill,
// timeout) and the journal writes, and asks decide.ts what each event and each ending means.
// The store is the single source of truth: the state is the fold of its events (the recorder's feed).
import { InputError, InterruptedError, SweepError } from '../errors.js';
import { discoverGpus } from '../pool/gpus.js';
import { TrialPool } from '../pool/pool.js';
import { describeError, type TrialErrorInfo, type TrialRun } from '../pool/protocol.js';
import { planSlots, type Slot } from '../pool/slots.js';
import { createScheduler, scheduleQuery, type Scheduler } from '../schedule/index.js';
import type { Sampler } from '../search/sampler.js';
import type { PlannedTrial } from '../trial/types.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { JournalEvent } from '../store/events.js';
import { foldTrials } from '../store/fold.js';
import type { SweepState } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { TrialRequest } from '../trainers/trainer.js';
import { finiteValue, type Objective } from '../trial/objective.js';
import type { EpochMetrics, ForgettingReport, TrialEvent } from '../trial/types.js';
import { attemptOf, fromEpochOf, recordOfAttempt, recordOfEvent, tally, workToDo, type StopCause, type TrialWork } from './decide.js';
import { decideFailure } from './oom.js';
import { historyView, type History } from './history.js';
import { samplerOf, trialId } from './expand.js';
import { objectiveOf, trialRequest } from './request.js';
import { Retention } from '../retention/sweep.js';
import { Recorder } from './recorder.js';
import { Budget, BudgetedWork, secondsSpent } from './budget.js';
import { budgetWords, type StopWhen } from '../trial/budget.js';
import { ClaimedWorkSource, LocalWork, type WorkSource } from './work-source.js';
import { sweepStarted, targetOf, type Plan, type SweepTrainer } from './plan.js';
import { decideFromFeed, epochResultsView, pendingStops, type EpochResults } from './replay.js';
import type { FeedView } from '../store/feed.js';
import type { ClaimedWork, SweepOutcome, SweepRunOptions } from './options.js';

export interface Origin {
  specDir: string;
  backend?: string;
  resumed: boolean;
}


export class Supervisor {
  readonly #store: Store;
  readonly #spec: ResolvedSpec;
  readonly #hash: string;
  readonly #objective: Objective;
  /** The trials of the plan: expanded from the spec, plus those the sampler proposed (tpe). */
  readonly #planned: PlannedTrial[];
  /** How many trials the sweep runs in all (tpe proposes the ones past its startup trials). */
  readonly #target: number;
  readonly #sampler: Sampler;
  readonly #trainer: SweepTrainer;
  readonly #origin: Origin;
  readonly #opts: SweepRunOptions;
  readonly #recorder: Recorder;
  /** Where each slot's next trial comes from (set by run: the local plan, or a shared store's claims). */
  #work: WorkSource = new LocalWork([], () => undefined);
  readonly #wakeups: Array<() => void> = [];
  readonly #scheduler: Scheduler | undefined;
  readonly #retention: Retention;
  /** The readings of the journal that proposals and early stops ask for, kept up to date by the feed. */
  readonly #history: FeedView<History>;
  readonly #epochResults: FeedView<EpochResults>;
  readonly #stopAll = new AbortController();
  #running = 0;
  /** The sweep's budget (spec stop_when), set by run; none on a shared sweep (refused when it is recorded). */
  #budget: Budget | undefined;
  /** The first bad-input message a trial reported: the sweep stops and reports it. */
  #inputError: string | undefined;

  constructor(store: Store, plan: Plan, events: JournalEvent[], trainer: SweepTrainer, origin: Origin, opts: SweepRunOptions) {
    const spec = plan.spec;
    this.#store = store;
    this.#spec = spec;
    this.#hash = plan.hash;
    this.#objective = objectiveOf(spec);
    this.#planned = [...plan.planned];
    // Trials a sampler proposed in an earlier run are part of the plan now (recorded in the journal).
    const known = new Set(plan.planned.map((t) => t.id));
    const proposed = [...foldTrials(events).trials.values()].filter((t) => !known.has(t.id)).sort((a, b) => a.index - b.index);
    for (const t of proposed) this.#planned.push({ id: t.id, index: t.index, params: t.params });
    this.#target = targetOf(spec, this.#planned.length);
    this.#sampler = samplerOf(spec);
    this.#trainer = trainer;
    this.#origin = origin;
    this.#opts = opts;
    this.#recorder = new Recorder(store, events, {
      onEvent: (event) => opts.onProgress?.({ type: 'journal', event }),
      onFatal: () => this.#stopAll.abort('store failure'),
    });
    this.#scheduler = createScheduler(spec);
    this.#retention = new Retention(store.dir, spec);
    this.#history = historyView(this.#objective);
    this.#epochResults = epochResultsView(this.#objective.metric);
  }

  async run(): Promise<SweepOutcome> {
    const opts = this.#opts;
    const journal = this.#recorder;
    if (this.#scheduler) {
      // An early stop decided (from the recorded epochs) but not written before a crash: write it
      // now rather than train that trial further; the same journal always gives the same decisions.
      for (const stop of pendingStops(this.#scheduler, this.#objective, journal.events)) {
        void journal.append({ type: 'trial_stopped_early', trial_id: stop.trialId, epoch: stop.epoch, ...(stop.rung !== undefined ? { rung: stop.rung } : {}), reason: stop.reason });
      }
      await journal.flush();
      if (journal.fatal !== undefined) throw asSweepError(journal.fatal, this.#store.dir);
    }
    const initial = journal.state;
    const todo = workToDo(this.#planned, initial);
    const done = this.#planned.length - todo.length;
    if (todo.length === 0 && this.#planned.length >= this.#target && initial.completed) return this.#outcome(initial);
    const stopWhen = (this.#spec as { stop_when?: StopWhen }).stop_when;
    const budget = stopWhen && !opts.claim ? new Budget(stopWhen, journal.events, initial, this.#objective) : undefined;
    // A budget already spent by earlier runs: run only what it still allows; nothing at all when
    // that is nothing, so the sweep says why it ended and its journal stays as it was.
    if (budget?.spent !== undefined && !todo.some((w) => budget.allows(w.trial.id))) return this.#outcome({ ...initial, ended: budget.spent });
    this.#budget = budget;
    const local = (): WorkSource => new LocalWork(todo, () => (this.#planned.length < this.#target && budget?.mayPropose() === false ? undefined : this.#propose()));
    this.#work = opts.claim ? new ClaimedWorkSource(opts.claim, (claimed) => this.#recorder.remember(claimed.history)) : budget ? new BudgetedWork(local(), budget) : local();
    const secondsBefore = stopWhen?.seconds !== undefined ? secondsSpent(journal.events) : 0;

    const resources = this.#spec.resources;
    const gpuSetting = opts.gpus ?? (resources.gpus as 0 | 'auto' | number[] | undefined);
    const gpus = await discoverGpus(gpuSetting, opts.env);
    // CPU only (gpus 0, worker --gpus none): gpus_per_trial has nothing to ask for.
    const gpusPerTrial = gpuSetting === 0 ? undefined : resources.gpus_per_trial;
    const slots = planSlots({ gpus, trialsPerGpu: resources.trials_per_gpu, gpusPerTrial, workers: opts.workers ?? resources.workers });
    const started = await journal.append(sweepStarted({ spec: this.#spec, hash: this.#hash, planned: this.#planned, target: this.#target }, this.#origin));
    opts.onProgress?.({ type: 'plan', dir: this.#store.dir, name: this.#spec.name, total: this.#target, done, slots, resumed: this.#origin.resumed, metric: this.#objective.metric });

    const interrupt = (): void => this.#stopAll.abort(opts.signal?.reason ?? 'interrupted');
    opts.signal?.addEventListener('abort', interrupt, { once: true });
    if (opts.signal?.aborted) interrupt();
    // stop_when.seconds: what is left of it after earlier runs, counted from sweep_started's recorded
    // time (as secondsSpent counts this run on a resume). When it runs out, running trials stop as
    // on Ctrl-C (recorded stopped, resumable) and no trial starts.
    const seconds = stopWhen?.seconds;
    const startedAt = Date.parse(started?.time ?? new Date().toISOString());
    const budgetTimer =
      budget === undefined || seconds === undefined
        ? undefined
        : setTimeout(() => {
            if (budget.spend({ budget: 'seconds', limit: seconds })) this.#stopAll.abort(`sweep ${budgetWords(budget.spent!)}`);
          }, Math.max(0, (seconds - secondsBefore) * 1000 - (Date.now() - startedAt) + 1));
    const pool = new TrialPool({ slots, resourceLimits: opts.resourceLimits });
    try {
      await Promise.all(slots.map((slot) => this.#slotLoop(pool, slot)));
    } finally {
      clearTimeout(budgetTimer);
      opts.signal?.removeEventListener('abort', interrupt);
      await journal.flush();
      await pool.close();
    }
    if (journal.fatal !== undefined) throw asSweepError(journal.fatal, this.#store.dir);
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
    // Counted off the journal: a worker of a shared sweep never sees the trials other workers'
    // samplers proposed in its own plan, so the plan's length would say "not done" for ever.
    const finished = t.completed + t.failed + t.diverged + t.stopped_early;
    if (t.open === 0 && finished >= this.#target && !state.completed) {
      await journal.append({ type: 'sweep_completed', completed: t.completed, failed: t.failed, diverged: t.diverged, stopped_early: t.stopped_early });
      return this.#outcome(foldTrials(await this.#store.events()));
    }
    // The plan is not done because the budget is spent: the journal says so (a resume with a larger one continues).
    if (this.#budget?.spent !== undefined) {
      await journal.append({ type: 'sweep_ended', ...this.#budget.spent });
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
      const work = await this.#work.next(slot);
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
      // Nothing due: a running trial may still fail and be retried, so wait for that (a
      // shared sweep's claim already waited for due work until none was open).
      if (this.#running === 0 || !this.#work.waitsForRunning) return;
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
    const history = this.#recorder.feed.view(this.#history).history;
    const params = this.#sampler.propose(index, history);
    const trial: PlannedTrial = { id: trialId(index, this.#target, params, true), index, params };
    this.#planned.push(trial);
    void this.#recorder.append({ type: 'trial_proposed', trial_id: trial.id, index, params, sampler: this.#sampler.name });
    return { trial, attempt: 1 };
  }

  #wake(): void {
    for (const resolve of this.#wakeups.splice(0)) resolve();
  }

  async #runTrial(pool: TrialPool, slot: Slot, work: TrialWork & Partial<ClaimedWork>): Promise<void> {
    try {
      await this.#runAttempt(pool, slot, work);
    } finally {
      await work.done?.();
    }
  }

  async #runAttempt(pool: TrialPool, slot: Slot, work: TrialWork & Partial<ClaimedWork>): Promise<void> {
    const { trial, attempt } = work;
    const journal = this.#recorder;
    const fromEpoch = work.fromEpoch ?? fromEpochOf(journal.trialState(trial.id));
    // Not awaited: the journal keeps call order, so this line precedes every event of the trial;
    // a crash before it is durable leaves the trial pending, and its checkpoint still resumes it.
    void journal.append({
      type: 'trial_started',
      trial_id: trial.id,
      index: trial.index,
      params: trial.params,
      slot: slot.id,
      attempt,
      ...(slot.gpu !== undefined ? { gpu: slot.gpu } : {}),
      ...(slot.gpus !== undefined && slot.gpus.length > 1 ? { gpus: slot.gpus } : {}),
      from_epoch: fromEpoch,
    });
    let config: unknown;
    try {
      const request: TrialRequest = trialRequest(this.#spec, trial, {
        dir: this.#store.trialDir(trial.id),
        resumeEpoch: fromEpoch,
        resumeFrom: journal.trialState(trial.id)?.epochs.find((m) => m.epoch === fromEpoch),
        gpus: slot.gpus,
        retryWith: journal.trialState(trial.id)?.retryWith,
      });
      config = this.#trainer.trainer.configure(this.#spec.task, request, { specDir: this.#origin.specDir, backend: this.#origin.backend ?? this.#spec.resources.backend });
    } catch (err) {
      await journal.flush();
      return this.#fail(trial, attempt, describeError(err), false);
    }

    // Stop (graceful) on interrupt, timeout or an early-stop decision; kill on a hard stop or a
    // stop that does not reach a batch boundary within the grace period.
    const stop = new AbortController();
    const kill = new AbortController();
    let stopCause: StopCause | undefined;
    let ended = false;
    const graceMs = this.#opts.stopGraceMs ?? 60_000;
    let graceTimer: NodeJS.Timeout | undefined;
    const stopFor = (cause: StopCause): void => {
      // A decision that lands after the trial ended (an early stop on its last epoch) changes nothing.
      if (ended || stop.signal.aborted) return;
      stopCause = cause;
      stop.abort(cause.reason);
      graceTimer = setTimeout(() => kill.abort(`no stop after ${graceMs / 1000} s`), graceMs);
      graceTimer.unref();
    };
    // A budget of seconds spent stops the trial as an interrupt does (resumable), saying why.
    const onInterrupt = (): void => {
      const spent = this.#budget?.spent;
      stopFor({ kind: 'interrupt', reason: spent?.budget === 'seconds' ? `sweep ${budgetWords(spent)}` : 'interrupted' });
    };
    const onKill = (): void => kill.abort(this.#opts.kill?.reason ?? 'killed');
    // A shared sweep's trial whose lease was taken over: another worker runs it now.
    const onLost = (): void => kill.abort('lease lost');
    work.lost?.addEventListener('abort', onLost, { once: true });
    this.#stopAll.signal.addEventListener('abort', onInterrupt, { once: true });
    this.#opts.kill?.addEventListener('abort', onKill, { once: true });
    if (this.#stopAll.signal.aborted) onInterrupt();
    const timeoutS = this.#spec.resources.trial_timeout_s;
    const timeout = timeoutS ? setTimeout(() => stopFor({ kind: 'timeout', reason: `timed out after ${timeoutS} s` }), timeoutS * 1000) : undefined;
    timeout?.unref();

    let backend: string | undefined;
    let forgetting: ForgettingReport | undefined;
    let lastEpoch = fromEpoch;
    const onEvent = (event: TrialEvent): void => {
      this.#opts.onProgress?.({ type: 'trial', trialId: trial.id, slot: slot.id, params: trial.params, event });
      if (event.type === 'backend') backend = event.name;
      else if (event.type === 'forgetting') forgetting = event.report;
      else if (event.type === 'step') lastEpoch = Math.max(lastEpoch, event.epoch - 1);
      else if (event.type === 'epoch') lastEpoch = Math.max(lastEpoch, event.metrics.epoch);
      const record = recordOfEvent(trial.id, event, backend);
      if (record.log !== undefined) void journal.log(trial.id, record.log);
      if (record.journal) {
        const written = journal.append(record.journal);
        if (event.type === 'epoch') {
          void written.then((recorded) => {
            // Refused (the trial's lease was taken over; the trial is stopping) or a failed store:
            // not an evaluation of the sweep, so nothing to count or decide on.
            if (recorded === undefined) return;
            // stop_when.objective: a durable evaluation that reaches it ends the sweep once running trials finish.
            this.#budget?.evaluated(trial.id, finiteValue(event.metrics, this.#objective.metric), this.#objective);
            this.#schedule(trial, event.metrics, stopFor);
          });
        }
      }
    };

    let run: TrialRun;
    try {
      run = await pool.run(slot, { trainer: this.#trainer.trainerUrl, config }, { stop: stop.signal, kill: kill.signal, onEvent });
    } finally {
      ended = true;
      clearTimeout(timeout);
      clearTimeout(graceTimer);
      this.#stopAll.signal.removeEventListener('abort', onInterrupt);
      this.#opts.kill?.removeEventListener('abort', onKill);
      work.lost?.removeEventListener('abort', onLost);
    }
    if (work.lost?.aborted) return; // nothing more to record: the trial is another worker's now
    // Every event the trial sent was issued before its end; wait for them to be durable first.
    await journal.flush();
    if (journal.fatal !== undefined) return;

    const record = recordOfAttempt({
      trialId: trial.id,
      run,
      stopCause,
      killed: this.#opts.kill?.aborted === true,
      lastEpoch,
      state: journal.trialState(trial.id),
      forgetting,
      metric: this.#objective.metric,
    });
    if (record.failure) return this.#fail(trial, attempt, record.failure);
    for (const [i, body] of record.events.entries()) {
      if (i < record.awaited) await journal.append(body);
      else void journal.append(body);
    }
    await this.#retain();
  }

  /** resources.checkpoints: what finished trials keep, each removal journaled before it happens. */
  async #retain(): Promise<void> {
    // One pass at a time: two slots ending together must not both remove (and journal) a file.
    this.#retaining = this.#retaining.then(async () => {
      await this.#recorder.flush();
      if (this.#recorder.fatal !== undefined) return;
      // A shared sweep's other workers append too: read their events; a sweep of one writer has them all in memory.
      const feed = this.#recorder.feed;
      if (this.#store.shared) await feed.catchUp((fromSeq) => this.#store.events(fromSeq));
      const touched = feed.touchedSince(this.#retained);
      this.#retained = touched.cursor;
      await this.#retention.apply(feed.state, touched.trials, (body) => this.#recorder.append(body));
    });
    await this.#retaining;
  }
  #retaining: Promise<void> = Promise.resolve();
  /** The feed's cursor at the last retention pass (0: the first pass judges every trial). */
  #retained = 0;

  /**
   * `ran`: whether the trainer ran (the failure came from its run, not from configuring it). Only
   * then does the trial's log get the error with its stack: a trial that failed before it started
   * has its error in the journal's trial_failed and needs no directory of its own.
   */
  async #fail(trial: PlannedTrial, attempt: number, error: TrialErrorInfo, ran = true): Promise<void> {
    const journal = this.#recorder;
    if (error.input) return this.#badInput(trial, attempt, error, ran);
    const state = journal.trialState(trial.id);
    const decision = decideFailure({
      attempt,
      maxRetries: this.#spec.resources.max_retries ?? 1,
      error,
      params: trial.params,
      retryWith: state?.retryWith,
      oomRetries: state?.oomRetries ?? 0,
    });
    const retry = decision.willRetry;
    if (ran) await journal.log(trial.id, `attempt ${attempt} failed${error.outOfMemory ? ' (out of memory)' : ''}: ${error.stack ?? error.message}`);
    await journal.append({
      type: 'trial_failed',
      trial_id: trial.id,
      attempt,
      error: error.message,
      will_retry: retry,
      ...(error.outOfMemory ? { out_of_memory: true } : {}),
      ...(decision.retryWith ? { retry_with: decision.retryWith } : {}),
    });
    if (retry && !this.#stopAll.signal.aborted) {
      this.#work.retry({ trial, attempt: attemptOf(journal.trialState(trial.id)) });
      this.#wake();
    }
  }

  /**
   * Bad input (a model directory or data file the trainer refuses, an objective it never reports)
   * is the sweep's, not the trial's: every trial shares it. Stop the sweep and report it (exit 2);
   * the trial stays due (will_retry; bad_input marks why it is not retried now), so that once the input is fixed, resume runs it again.
   */
  async #badInput(trial: PlannedTrial, attempt: number, error: TrialErrorInfo, ran: boolean): Promise<void> {
    if (ran) await this.#recorder.log(trial.id, `attempt ${attempt} stopped the sweep on bad input: ${error.message}`);
    await this.#recorder.append({ type: 'trial_failed', trial_id: trial.id, attempt, error: error.message, will_retry: true, bad_input: true });
    this.#inputError ??= error.message;
    this.#stopAll.abort('bad input');
  }

  /** After an evaluation is durable, ask the early-stopping scheduler (if any) whether the trial goes on. */
  #schedule(trial: PlannedTrial, point: EpochMetrics, stopFor: (c: StopCause) => void): void {
    if (!this.#scheduler) return;
    const query = scheduleQuery(trial.id, trial.params, point);
    const decision = decideFromFeed(this.#scheduler, this.#recorder.feed, this.#epochResults, query);
    if (decision.action === 'stop') stopFor({ kind: 'early', epoch: decision.epoch, rung: decision.rung, reason: decision.reason });
  }
}

function asSweepError(err: unknown, dir: string): Error {
  if (err instanceof SweepError || err instanceof InputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SweepError(`cannot record the sweep in ${dir}: ${message}`);
}
