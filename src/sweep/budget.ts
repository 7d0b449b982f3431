// The sweep's budget (spec stop_when): how much of it the journal shows spent, and which trials may
// still start. Pure: the clock's readings come in as arguments, so a resume judges the same journal
// the same way.
//
// Seconds count the sweep's own running time across its runs: each run (run or resume) counts from
// its sweep_started to its last journal event; time the sweep sat stopped between runs does not.
import type { BudgetEnd, StopWhen } from '../trial/budget.js';
import { finiteValue, type Objective } from '../trial/objective.js';
import type { JournalEvent } from '../store/events.js';
import type { SweepState } from '../store/state.js';
import type { Slot } from '../pool/slots.js';
import type { TrialWork } from './decide.js';
import type { Work, WorkSource } from './work-source.js';

/** Seconds the runs recorded in `events` ran, summed (each from its sweep_started to its last event). */
export function secondsSpent(events: readonly JournalEvent[]): number {
  let total = 0;
  let start: number | undefined;
  let last: number | undefined;
  const close = (): void => {
    if (start !== undefined && last !== undefined && last > start) total += (last - start) / 1000;
  };
  for (const e of events) {
    const t = Date.parse(e.time);
    if (Number.isNaN(t)) continue;
    if (e.type === 'sweep_started') {
      close();
      start = t;
    }
    last = t;
  }
  close();
  return total;
}

/** The trials that have started at least once (a continuation or retry of one is not a new start). */
export function startedTrials(state: SweepState): Set<string> {
  return new Set([...state.trials.values()].filter((t) => t.attempts > 0).map((t) => t.id));
}

/** Whether `value` reaches the target `limit` in the objective's direction. */
export function reaches(value: number, limit: number, objective: Objective): boolean {
  return objective.goal === 'maximize' ? value >= limit : value <= limit;
}

/** The trial whose evaluation reached stop_when.objective (the best such), if any. */
export function objectiveReached(state: SweepState, objective: Objective, limit: number): BudgetEnd | undefined {
  let found: BudgetEnd | undefined;
  for (const t of state.trials.values()) {
    for (const m of t.epochs) {
      const v = finiteValue(m, objective.metric);
      if (v === undefined || !reaches(v, limit, objective)) continue;
      if (found === undefined || reaches(v, found.value!, objective)) found = { budget: 'objective', limit, trial_id: t.id, value: v };
    }
  }
  return found;
}

/**
 * The budget the journal shows spent before a run starts (seconds first, then the objective, then
 * trials), or undefined while the sweep may start new trials.
 */
export function budgetSpent(stopWhen: StopWhen | undefined, events: readonly JournalEvent[], state: SweepState, objective: Objective): BudgetEnd | undefined {
  if (!stopWhen) return undefined;
  if (stopWhen.seconds !== undefined && secondsSpent(events) >= stopWhen.seconds) return { budget: 'seconds', limit: stopWhen.seconds };
  if (stopWhen.objective !== undefined) {
    const reached = objectiveReached(state, objective, stopWhen.objective);
    if (reached) return reached;
  }
  if (stopWhen.trials !== undefined && startedTrials(state).size >= stopWhen.trials) return { budget: 'trials', limit: stopWhen.trials };
  return undefined;
}

/**
 * Whether a trial may start now: never once the seconds are spent; a trial that already started
 * (its continuation or retry) otherwise may; a new one only while no budget is spent.
 */
export function mayStart(spent: BudgetEnd | undefined, started: boolean): boolean {
  if (spent === undefined) return true;
  if (spent.budget === 'seconds') return false;
  return started;
}

/** The spec with `overrides` (resume's --stop-when-… flags) laid over its stop_when, key by key. */
export function withStopWhen<S extends object>(spec: S, overrides: StopWhen | undefined): S {
  if (!overrides || Object.keys(overrides).length === 0) return spec;
  const current = (spec as { stop_when?: StopWhen }).stop_when ?? {};
  return { ...spec, stop_when: { ...current, ...overrides } };
}

/**
 * The budget of one run: what earlier runs spent and what this run spends as it goes (trials it
 * starts, evaluations that reach the objective, the seconds timer the supervisor owns). No I/O.
 */
export class Budget {
  readonly stopWhen: StopWhen;
  #spent: BudgetEnd | undefined;
  readonly #started: Set<string>;

  /** `state`, `events`: the journal before this run. */
  constructor(stopWhen: StopWhen, events: readonly JournalEvent[], state: SweepState, objective: Objective) {
    this.stopWhen = stopWhen;
    this.#spent = budgetSpent(stopWhen, events, state, objective);
    this.#started = startedTrials(state);
  }

  /** The budget spent, once it is: no new trial starts (and with seconds, none at all). */
  get spent(): BudgetEnd | undefined {
    return this.#spent;
  }

  /** Whether a trial that has started before (in this run or an earlier one) may run now, without taking it. */
  allows(trialId: string): boolean {
    return mayStart(this.#spent, this.#started.has(trialId));
  }

  /**
   * Spend the budget. The first one spent is the one recorded, except seconds, which stops the
   * running trials too. True when this call spent the seconds (the caller stops the sweep).
   */
  spend(end: BudgetEnd): boolean {
    if (this.#spent?.budget === 'seconds') return false;
    if (end.budget === 'seconds') {
      this.#spent = end;
      return true;
    }
    this.#spent ??= end;
    return false;
  }

  /** Whether trial `trialId` may start now; if so it counts as started. */
  take(trialId: string): boolean {
    const started = this.#started.has(trialId);
    if (!started) this.#checkTrials();
    if (!mayStart(this.#spent, started)) return false;
    this.#started.add(trialId);
    return true;
  }

  /** Whether the sampler may propose a new trial now (a proposal is a new start). */
  mayPropose(): boolean {
    this.#checkTrials();
    return this.#spent === undefined;
  }

  /** A durable evaluation of trial `trialId`: spends the objective budget when its value reaches it. */
  evaluated(trialId: string, value: number | undefined, objective: Objective): void {
    const limit = this.stopWhen.objective;
    if (limit === undefined || value === undefined || !Number.isFinite(value) || !reaches(value, limit, objective)) return;
    this.spend({ budget: 'objective', limit, trial_id: trialId, value });
  }

  #checkTrials(): void {
    const n = this.stopWhen.trials;
    if (n !== undefined && this.#started.size >= n) this.spend({ budget: 'trials', limit: n });
  }
}

/** A work source under a budget: queued work the budget no longer allows is dropped (it stays pending in the journal). */
export class BudgetedWork implements WorkSource {
  readonly #inner: WorkSource;
  readonly #budget: Budget;

  constructor(inner: WorkSource, budget: Budget) {
    this.#inner = inner;
    this.#budget = budget;
  }

  get waitsForRunning(): boolean {
    return this.#inner.waitsForRunning;
  }

  async next(slot: Slot): Promise<Work | undefined> {
    for (;;) {
      const work = await this.#inner.next(slot);
      if (work === undefined || this.#budget.take(work.trial.id)) return work;
    }
  }

  retry(work: TrialWork): void {
    this.#inner.retry(work);
  }
}
