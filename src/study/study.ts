// A library study: trials asked and told by a program (ask/tell) or run by optimize(fn)
// (define-by-run), recorded as the CLI records a sweep — the same journal events on the same
// Store (a study directory or PostgreSQL), folded by the same fold, ranked by the same reporter.
// Proposals go through src/search/, early stopping through src/schedule/ and the journal
// replay of src/sweep/, so a study and a CLI sweep take their decisions the same way.
import { hostname } from 'node:os';
import { InputError, SweepError } from '../errors.js';
import { buildLeaderboard, type Leaderboard } from '../report/view/leaderboard.js';
import { rankTrials } from '../report/analysis/rank.js';
import { deriveSeed } from '../rng.js';
import type { Decision, Scheduler, ScheduleQuery } from '../schedule/scheduler.js';
import type { FeedView } from '../store/feed.js';
import type { FinishedTrial } from '../search/sampler.js';
import { specHash } from '../spec/hash.js';
import { JOURNAL_FORMAT, type JournalEventBody } from '../store/events.js';
import { openStore } from '../store/open.js';
import type { SweepState, TrialState } from '../store/state.js';
import type { Store, StoreLock } from '../store/store.js';
import { tally, willRetry } from '../sweep/decide.js';
import { historyView, type History } from '../sweep/history.js';
import { Recorder } from '../sweep/recorder.js';
import { decideFromFeed, epochResultsView, pendingStops, type EpochResults } from '../sweep/replay.js';
import type { Objective } from '../trial/objective.js';
import type { TrialStatus } from '../trial/status.js';
import type { EpochMetrics, ParamValue, Params } from '../trial/types.js';
import { MemoryStore } from './memory-store.js';
import { optimize, type ObjectiveResult, type OptimizeOptions } from './optimize.js';
import { resolveStudyOptions, schedulerOf, studySpec, type ResolvedStudyOptions, type StudyOptions } from './options.js';
import { proposeValue, type ProposeContext } from './propose.js';
import { SearchSpace, contains, type Distribution } from './space.js';
import { Trial, type Metrics, type TrialHost } from './trial.js';

/** How a trial ended, for tell: its objective (two values for a two-metric objective), or a state. */
export type TellResult =
  | number
  | readonly [number, number]
  | { state: 'failed'; error?: string }
  | { state: 'stopped'; reason?: string };

/** A trial as the study's results show it (a fold of the journal). */
export interface StudyTrial {
  id: string;
  index: number;
  params: Params;
  status: TrialStatus;
  /** The objective at the trial's best step (the value the report ranks it by). */
  value?: number;
  /** Both objectives' values at that step, for a two-metric objective. */
  values?: [number | undefined, number | undefined];
  /** Every evaluation, in step order (`epoch` is the step). */
  steps: EpochMetrics[];
  reason?: string;
}

const INTERRUPTED = 'the process running this trial ended before it finished (recorded when the study was opened again)';

/** What the study keeps about a trial between ask and tell. */
interface Run {
  trial: Trial;
  params: Params;
  attempt: number;
  /** Params as last recorded (trial_started, then trial_proposed when more are suggested). */
  recordedParams?: string;
  lastStep: number;
  /** The epoch of the last evaluation (the step, unless the metrics gave their own epoch). */
  lastEpoch: number;
  /** The metrics of the last evaluation reported. */
  lastMetrics?: Record<string, unknown>;
  stop?: Extract<Decision, { action: 'stop' }>;
  /** Set by optimize: the run's stop (its signal, its timeout). */
  interrupt?: AbortSignal;
  /** shouldStop() answered true because of `interrupt`. */
  sawInterrupt: boolean;
  startedAt: number;
}

export class Study {
  readonly name: string;
  readonly options: ResolvedStudyOptions;
  readonly #store: Store;
  readonly #lock: StoreLock;
  readonly #recorder: Recorder;
  readonly #space: SearchSpace;
  readonly #scheduler: Scheduler | undefined;
  readonly #propose: ProposeContext;
  readonly #runs = new Map<string, Run>();
  readonly #byTrial = new WeakMap<Trial, Run>();
  /** Failed trials owed another attempt (retries, trials whose process died), in index order. */
  readonly #retries: TrialState[] = [];
  #nextIndex: number;
  #specWritten = '';
  /** The journal readings the decisions take, kept up to date event by event on the recorder's feed. */
  readonly #historyView: FeedView<History>;
  readonly #resultsView: FeedView<EpochResults>;
  #closed = false;

  private constructor(o: ResolvedStudyOptions, store: Store, lock: StoreLock, recorder: Recorder, space: SearchSpace) {
    this.name = o.name;
    this.options = o;
    this.#store = store;
    this.#lock = lock;
    this.#recorder = recorder;
    this.#space = space;
    this.#scheduler = schedulerOf(o);
    this.#propose = { strategy: o.strategy.type, seed: o.seed, goal: o.objective.goal, nStartup: o.strategy.n_startup_trials };
    this.#historyView = historyView(o.objective);
    this.#resultsView = epochResultsView(o.objective.metric);
    const trials = [...recorder.state.trials.values()];
    this.#nextIndex = trials.reduce((n, t) => Math.max(n, t.index + 1), 0);
  }

  /** @internal createStudy (index.ts) is the public way in. */
  static async open(input: StudyOptions): Promise<Study> {
    const o = resolveStudyOptions(input);
    const store = o.storage === undefined ? new MemoryStore() : await openStore(o.storage, { create: true, sweep: o.name });
    let lock: StoreLock | undefined;
    try {
      lock = await store.lock();
      const recorded = await store.readSpec();
      const space = new SearchSpace(recordedSpace(recorded?.spec, o, store.location));
      const events = await store.events();
      const study = new Study(o, store, lock, new Recorder(store, events), space);
      await study.#begin(events.length > 0);
      return study;
    } catch (err) {
      await lock?.release().catch(() => {});
      await store.close().catch(() => {});
      throw err;
    }
  }

  /** Where the study is recorded (a directory, a database URL without its password, or in memory). */
  get location(): string {
    return this.#store.location;
  }

  /** A trial's own directory under the study's (trials/<id>, for fineTune's `dir`); undefined in memory. */
  trialDir(trial: Trial): string | undefined {
    return this.#store.dir === '' ? undefined : this.#store.trialDir(trial.id);
  }

  /** The study directory (a database study: where its trial files go); '' in memory. */
  get dir(): string {
    return this.#store.dir;
  }

  async #begin(resumed: boolean): Promise<void> {
    await this.#writeSpec();
    const body: JournalEventBody = { type: 'sweep_started', name: this.name, spec_hash: this.#specWritten, trials: 0, resumed, pid: process.pid, host: hostname(), format: JOURNAL_FORMAT };
    await this.#append([body]);
    // A stop decided after a trial's evaluation but not written before its process died: written
    // now, as the CLI's resume does, rather than the trial asked again from its start.
    if (this.#scheduler) {
      const owed = pendingStops(this.#scheduler, this.options.objective, this.#recorder.feed.events, (trialId, _params, point) => this.#query(trialId, point));
      await this.#append(owed.map((d) => ({ type: 'trial_stopped_early', trial_id: d.trialId, epoch: d.epoch, ...(d.rung !== undefined ? { rung: d.rung } : {}), reason: d.reason })));
    }
    // A trial left running (or stopped by an interrupt) by a process that ended: failed, and asked again.
    const orphans = [...this.#recorder.state.trials.values()].filter((t) => t.status === 'running' || t.status === 'stopped');
    await this.#append(orphans.map((t) => ({ type: 'trial_failed', trial_id: t.id, attempt: Math.max(1, t.attempts), error: INTERRUPTED, will_retry: true })));
    for (const t of [...this.#recorder.state.trials.values()].sort((a, b) => a.index - b.index)) if (t.status === 'pending') this.#retries.push(t);
  }

  // ---- ask / tell -------------------------------------------------------------------------

  /**
   * A new trial to run (or a failed one owed another attempt, with its recorded parameters).
   * `fixed`: parameters given instead of drawn (a suggest of that name returns it).
   */
  async ask(fixed: Params = {}): Promise<Trial> {
    this.#open();
    const retry = Object.keys(fixed).length === 0 ? this.#retries.shift() : undefined;
    const index = retry ? retry.index : this.#nextIndex++;
    const id = retry ? retry.id : `t${String(index).padStart(3, '0')}`;
    const attempt = retry ? (retry.failures ?? 0) + 1 : 1;
    const trial = Trial.create(this.#host, { id, index, seed: deriveSeed(this.options.seed, id), attempt });
    const run: Run = { trial, params: { ...(retry ? retry.params : fixed) }, attempt, lastStep: 0, lastEpoch: 0, sawInterrupt: false, startedAt: Date.now() };
    this.#runs.set(id, run);
    this.#byTrial.set(trial, run);
    return trial;
  }

  /**
   * Ends a trial: its objective (recorded as an evaluation after its last step when it differs
   * from the last one reported; NaN or ±Infinity: diverged), or `{ state: 'failed' }` (retried per
   * max_retries) or `{ state: 'stopped' }` (stopped early). Durable when the promise resolves.
   */
  async tell(trial: Trial, result: TellResult): Promise<void> {
    const run = this.#runOf(trial);
    // A result of the wrong shape is the caller's mistake: refused, and the trial stays open.
    const isState = typeof result === 'object' && result !== null && !Array.isArray(result) && 'state' in result;
    if (isState ? !['failed', 'stopped'].includes((result as { state: unknown }).state as string) : false) {
      throw new InputError(`tell(${trial.id}): expected a number, [number, number], { state: 'failed' } or { state: 'stopped' }, got ${JSON.stringify(result)}`);
    }
    if (!isState) this.#values(trial.id, result as number | readonly [number, number]);
    try {
      await this.#end(run, result);
    } finally {
      this.#runs.delete(trial.id);
    }
  }

  async #end(run: Run, result: TellResult): Promise<void> {
    const id = run.trial.id;
    // Stopped early by the rule: recorded when decided (as the CLI's run loop records it), final
    // whatever the trial did after.
    if (run.stop) return;
    const events: JournalEventBody[] = [];
    this.#started(run, events);
    const seconds = (Date.now() - run.startedAt) / 1000;
    if (typeof result === 'object' && !Array.isArray(result) && 'state' in result) {
      if (result.state === 'failed') {
        const retry = willRetry(run.attempt, this.options.max_retries, false);
        events.push({ type: 'trial_failed', trial_id: id, attempt: run.attempt, error: result.error ?? 'failed', will_retry: retry });
        await this.#append(events);
        if (retry) this.#queueRetry(id);
        return;
      }
      if (result.state === 'stopped') {
        events.push({ type: 'trial_stopped_early', trial_id: id, epoch: run.lastEpoch, reason: result.reason ?? 'stopped by the objective' });
        return this.#append(events);
      }
      throw new InputError(`tell(${id}): expected a number, [number, number], { state: 'failed' } or { state: 'stopped' }, got ${JSON.stringify(result)}`);
    }
    const values = this.#values(id, result as number | readonly [number, number]);
    if (values.some((v) => !Number.isFinite(v))) {
      events.push({ type: 'trial_diverged', trial_id: id, epoch: Math.max(1, run.lastEpoch), reason: `the objective is ${values.find((v) => !Number.isFinite(v))}` });
      return this.#append(events);
    }
    const terms = this.#terms();
    const last = run.lastMetrics;
    if (!last || terms.some((t, i) => last[t.metric] !== values[i])) {
      const metrics = Object.fromEntries(terms.map((t, i) => [t.metric, values[i]]));
      events.push({ type: 'epoch_ended', trial_id: id, metrics: { epoch: run.lastEpoch + 1, step: run.lastStep + 1, ...metrics } });
    }
    events.push({ type: 'trial_completed', trial_id: id, seconds });
    await this.#append(events);
  }

  #values(id: string, result: number | readonly [number, number]): number[] {
    const two = this.options.objectives !== undefined;
    if (two ? Array.isArray(result) && result.length === 2 && result.every((v) => typeof v === 'number') : typeof result === 'number') {
      return two ? [...(result as readonly number[])] : [result as number];
    }
    throw new InputError(`tell(${id}): expected ${two ? `[${this.#terms().map((t) => t.metric).join(', ')}] (two numbers)` : `a number (${this.options.objective.metric})`}, got ${JSON.stringify(result)}`);
  }

  #terms(): Objective[] {
    return this.options.objectives ?? [this.options.objective];
  }

  #queueRetry(id: string): void {
    const t = this.#recorder.trialState(id);
    if (t) this.#retries.push(t);
  }

  // ---- the trial's side (TrialHost: what a Trial forwards to; private to the study) -------

  readonly #host: TrialHost = {
    paramsOf: (trial) => this.#paramsOf(trial),
    suggest: (trial, name, d) => this.#suggest(trial, name, d),
    report: (trial, step, metrics) => this.#report(trial, step, metrics),
    shouldStop: (trial) => this.#shouldStop(trial),
  };

  #paramsOf(trial: Trial): Params {
    return this.#runOf(trial, true).params;
  }

  #suggest(trial: Trial, name: string, d: Distribution): ParamValue {
    const run = this.#runOf(trial);
    if (this.#space.bind(name, d)) this.#specWritten = '';
    const known = run.params[name];
    if (known !== undefined) {
      if (!contains(d, known)) throw new InputError(`parameter ${JSON.stringify(name)}: the value ${JSON.stringify(known)} given for trial ${trial.id} is outside its distribution`);
      return known;
    }
    const value = proposeValue(this.#propose, name, d, trial.index, () => this.#historyNow());
    run.params[name] = value;
    return value;
  }

  async #report(trial: Trial, step: number, metrics: Metrics): Promise<void> {
    const run = this.#runOf(trial);
    const id = trial.id;
    // Stopped early: the journal ends the trial at the rule's step; later evaluations are not its record.
    if (run.stop) return;
    if (!Number.isInteger(step) || step < 1) throw new InputError(`report(${id}): step: expected an integer >= 1, got ${JSON.stringify(step)}`);
    if (step <= run.lastStep) throw new InputError(`report(${id}): step ${step} is not after the last step reported (${run.lastStep})`);
    const values: Record<string, unknown> = typeof metrics === 'number' ? { [this.options.objective.metric]: metrics } : { ...metrics };
    // The evaluation's place: `step` (the journal's evaluation step, the schedulers' axis), and its
    // `epoch` when the metrics give one (an engine epoch from fineTune), else the step itself.
    let epoch = step;
    for (const [k, v] of Object.entries(values)) {
      if (k === 'epoch') {
        if (typeof v !== 'number' || !(v > 0)) throw new InputError(`report(${id}): metrics.epoch: expected a number > 0, got ${JSON.stringify(v)}`);
        epoch = v;
        delete values[k];
      } else if (k === 'step') {
        if (v !== step) throw new InputError(`report(${id}): metrics.step ${JSON.stringify(v)} is not the step reported (${step})`);
        delete values[k];
      } else if (k === 'steps' && Array.isArray(v)) continue;
      else if (typeof v !== 'number') throw new InputError(`report(${id}): metric ${JSON.stringify(k)}: expected a number, got ${JSON.stringify(v)}`);
    }
    run.lastStep = step;
    run.lastEpoch = epoch;
    run.lastMetrics = values;
    const events: JournalEventBody[] = [];
    this.#started(run, events);
    events.push({ type: 'epoch_ended', trial_id: id, metrics: { epoch, step, ...values } });
    await this.#append(events);
    if (this.#scheduler && !run.stop) {
      const d = decideFromFeed(this.#scheduler, this.#recorder.feed, this.#resultsView, this.#query(id, { epoch, step }));
      if (d.action === 'stop') {
        run.stop = d;
        await this.#append([{ type: 'trial_stopped_early', trial_id: id, epoch: d.epoch, ...(d.rung !== undefined ? { rung: d.rung } : {}), reason: d.reason }]);
      }
    }
  }

  /** The question asked of the scheduler after a trial's evaluation (and replayed on reopening). */
  #query(trialId: string, point: { epoch: number; step?: number }): ScheduleQuery {
    const maxSteps = this.options.early_stopping.max_steps;
    return { trialId, epoch: point.epoch, ...(point.step !== undefined ? { step: point.step } : {}), ...(maxSteps !== undefined ? { maxSteps } : {}) };
  }

  async #shouldStop(trial: Trial): Promise<boolean> {
    const run = this.#runOf(trial);
    if (run.stop) return true;
    if (run.interrupt?.aborted) {
      run.sawInterrupt = true;
      return true;
    }
    return false;
  }

  // ---- define-by-run ----------------------------------------------------------------------

  /**
   * Runs `fn(trial)` for `trials` new trials (`concurrency` at once): its return value is the
   * trial's objective (nothing: the best value it reported); a throw fails it (retried per
   * max_retries); returning after shouldStop() records it stopped early (the rule) or stopped (the
   * run's signal or timeout: a continued study asks it again). Bad input (a parameter suggested
   * with a different range) fails the trial and rejects.
   */
  optimize(fn: (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>, opts?: OptimizeOptions): Promise<void> {
    this.#open();
    return optimize(this, fn, opts);
  }

  /** @internal optimize.ts: the stop decision of a run, and its interrupt. */
  runState(trial: Trial): { stopped: boolean; sawInterrupt: boolean } {
    const run = this.#runOf(trial);
    return { stopped: run.stop !== undefined, sawInterrupt: run.sawInterrupt };
  }

  /** @internal optimize.ts: ties a run to the optimize call's stop signal. */
  bindInterrupt(trial: Trial, signal: AbortSignal): void {
    this.#runOf(trial).interrupt = signal;
  }

  /** @internal optimize.ts: an interrupted trial is recorded stopped (not final; a continued study asks it again). */
  async interrupted(trial: Trial, reason: string): Promise<void> {
    const run = this.#runOf(trial);
    try {
      const events: JournalEventBody[] = [];
      this.#started(run, events);
      events.push({ type: 'trial_stopped', trial_id: trial.id, epoch: run.lastEpoch, reason });
      await this.#append(events);
    } finally {
      this.#runs.delete(trial.id);
    }
  }

  /** @internal optimize.ts: a trial that threw bad input (a suggest mismatch) is failed for good. */
  async failedOnInput(trial: Trial, message: string): Promise<void> {
    const run = this.#runOf(trial);
    try {
      const events: JournalEventBody[] = [];
      this.#started(run, events);
      events.push({ type: 'trial_failed', trial_id: trial.id, attempt: run.attempt, error: message, will_retry: false, bad_input: true });
      await this.#append(events);
    } finally {
      this.#runs.delete(trial.id);
    }
  }

  /** @internal optimize.ts: the best value a trial reported, for an objective that returned nothing. */
  bestReported(trial: Trial): number | [number, number] | undefined {
    const epochs = this.#recorder.trialState(trial.id)?.epochs ?? [];
    const best = rankTrials([{ id: trial.id, index: 0, params: {}, status: 'completed', attempts: 1, epochs }], this.options.objective)[0]?.best;
    if (!best) return undefined;
    if (!this.options.objectives) return best.value;
    const at = epochs.find((e) => e.epoch === best.epoch)!;
    const second = at[this.options.objectives[1].metric];
    return typeof second === 'number' ? [best.value, second] : undefined;
  }

  /** @internal optimize.ts: true while failed trials are owed another attempt. */
  get retriesOwed(): boolean {
    return this.#retries.length > 0;
  }

  // ---- results ----------------------------------------------------------------------------

  /** Every trial recorded so far, in index order. */
  get trials(): StudyTrial[] {
    return [...this.#state().trials.values()].sort((a, b) => a.index - b.index).map((t) => this.#view(t));
  }

  /** The best completed trial as the report ranks it (two objectives: Pareto rank, then the first). */
  get bestTrial(): StudyTrial | undefined {
    const top = this.leaderboard().rows.find((r) => r.rank === 1);
    const t = top && this.#state().trials.get(top.id);
    return t ? this.#view(t) : undefined;
  }

  /** The trials on the Pareto front of a two-metric objective (best first by the first metric); [] for one metric. */
  get paretoFront(): StudyTrial[] {
    if (!this.options.objectives) return [];
    const lb = this.leaderboard();
    const state = this.#state();
    return (lb.pareto?.front ?? []).flatMap((id) => {
      const t = state.trials.get(id);
      return t ? [this.#view(t)] : [];
    });
  }

  /** The reporter's leaderboard: ranked rows with their flags and recommendations, the notes and advice. */
  leaderboard(): Leaderboard {
    return buildLeaderboard({ spec: this.#spec(), state: this.#state(), dir: this.#store.dir || undefined });
  }

  /** Waits for every write, releases the study's lease and its storage. The study cannot be used after. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#recorder.flush();
      if (this.#specWritten === '') await this.#writeSpec();
      // Nothing open (no trial running, no retry owed): the study reads as finished, as a
      // completed sweep does; opening it again appends sweep_started, which reopens it.
      const counts = tally([], this.#state());
      if (counts.open === 0 && this.#runs.size === 0 && this.#recorder.fatal === undefined) {
        const { open: _open, ...ended } = counts;
        await this.#recorder.append({ type: 'sweep_completed', ...ended });
        await this.#recorder.flush();
      }
    } finally {
      await this.#lock.release().catch(() => {});
      await this.#store.close();
    }
  }

  // ---- internals --------------------------------------------------------------------------

  #open(): void {
    if (this.#closed) throw new SweepError(`study ${this.name} is closed`);
  }

  #runOf(trial: Trial, finishedOk = false): Run {
    const run = this.#byTrial.get(trial);
    if (!run) throw new InputError(`trial ${trial?.id}: not a trial of study ${this.name}`);
    if (!finishedOk && this.#runs.get(trial.id) !== run) throw new InputError(`trial ${trial.id}: already told (ended)`);
    return run;
  }

  #state(): SweepState {
    return this.#recorder.state;
  }

  #view(t: TrialState): StudyTrial {
    const best = rankTrials([t], this.options.objective)[0]?.best;
    const at = best ? t.epochs.find((e) => e.epoch === best.epoch) : undefined;
    const second = this.options.objectives && at ? at[this.options.objectives[1].metric] : undefined;
    return {
      id: t.id,
      index: t.index,
      params: { ...t.params },
      status: t.status,
      ...(best ? { value: best.value } : {}),
      ...(this.options.objectives ? { values: [best?.value, typeof second === 'number' ? second : undefined] as [number | undefined, number | undefined] } : {}),
      steps: t.epochs.map((e) => ({ ...e })),
      ...(t.reason !== undefined ? { reason: t.reason } : {}),
    };
  }

  /** The history TPE reads (finished trials in journal order), as the CLI's run loop reads it. */
  #historyNow(): FinishedTrial[] {
    return this.#recorder.feed.view(this.#historyView).history;
  }

  /** trial_started before a trial's first record; trial_proposed when it suggested more since. */
  #started(run: Run, events: JournalEventBody[]): void {
    const params = JSON.stringify(run.params);
    const { id, index } = run.trial;
    if (run.recordedParams === undefined) {
      events.push({ type: 'trial_started', trial_id: id, index, params: { ...run.params }, slot: 0, attempt: run.attempt, from_epoch: 0 });
    } else if (run.recordedParams !== params) {
      events.push({ type: 'trial_proposed', trial_id: id, index, params: { ...run.params }, sampler: this.options.strategy.type });
    }
    run.recordedParams = params;
  }

  /** Appends in order (the journal group-commits them) and resolves once all are durable. */
  async #append(events: JournalEventBody[]): Promise<void> {
    this.#open();
    if (this.#specWritten === '') await this.#writeSpec();
    await Promise.all(events.map((e) => this.#recorder.append(e)));
    if (this.#recorder.fatal !== undefined) throw this.#recorder.fatal;
  }

  #spec(): Record<string, unknown> {
    return { ...studySpec(this.options, this.#space.parameters()), library: { space: this.#space.toJSON() } };
  }

  async #writeSpec(): Promise<void> {
    const spec = this.#spec();
    const hash = specHash(spec);
    await this.#store.writeSpec(spec, hash);
    this.#specWritten = hash;
  }
}

/**
 * The space a study recorded (spec.library.space), after checking that the storage holds this
 * study: a CLI sweep's or another study's record is refused, naming it.
 */
function recordedSpace(spec: unknown, o: ResolvedStudyOptions, location: string): Record<string, Distribution> {
  if (spec === undefined) return {};
  const s = spec as { name?: unknown; library?: { space?: Record<string, Distribution> }; objective?: { metric?: unknown } };
  if (!s.library || typeof s.library !== 'object') {
    throw new InputError(`/storage: ${location} holds a sweep run by the CLI (${JSON.stringify(s.name)}), not a library study; give a new directory or name`);
  }
  if (s.name !== o.name) throw new InputError(`/name: ${location} holds study ${JSON.stringify(s.name)}, not ${JSON.stringify(o.name)}`);
  if (s.objective?.metric !== o.objective.metric) {
    throw new InputError(`/objective: study ${o.name} ranks by ${JSON.stringify(s.objective?.metric)}; it cannot be continued with ${JSON.stringify(o.objective.metric)}`);
  }
  return s.library.space ?? {};
}
