// What to run next, read off the folded journal state. Pure: no I/O, no clock, so a resumed sweep
// takes exactly the decisions the interrupted one would have.
import type { PlannedTrial } from '../search/space.js';
import type { TrialStatus } from '../store/events.js';
import type { SweepState, TrialState } from '../store/state.js';

/** One trial to run: a fresh start, a retry, or the continuation of an interrupted attempt. */
export interface TrialWork {
  trial: PlannedTrial;
  /** 1-based attempt number: failures so far + 1 (a continuation keeps its attempt). */
  attempt: number;
}

/** Statuses that are never run again. A failed trial is 'pending' again while it has retries. */
const FINAL: ReadonlySet<TrialStatus> = new Set(['completed', 'failed', 'diverged', 'stopped_early']);

export function isFinal(status: TrialStatus): boolean {
  return FINAL.has(status);
}

/** The trials still to run, in plan order: pending, retries owed, and those interrupted while running. */
export function workToDo(planned: readonly PlannedTrial[], state: SweepState): TrialWork[] {
  const work: TrialWork[] = [];
  for (const trial of planned) {
    const t = state.trials.get(trial.id);
    if (t && isFinal(t.status)) continue;
    work.push({ trial, attempt: attemptOf(t) });
  }
  return work;
}

export function attemptOf(t: TrialState | undefined): number {
  return (t?.failures ?? 0) + 1;
}

/** The epoch a trial's next attempt starts after: the last epoch recorded (its checkpoint holds it). */
export function fromEpochOf(t: TrialState | undefined): number {
  return t?.epochs.length ? t.epochs[t.epochs.length - 1].epoch : 0;
}

/** Whether a failure of `attempt` is retried: a retry budget left, and not bad input (it would fail again). */
export function willRetry(attempt: number, maxRetries: number, inputError: boolean): boolean {
  return !inputError && attempt <= maxRetries;
}

export interface SweepTally {
  completed: number;
  failed: number;
  diverged: number;
  stopped_early: number;
  /** Trials of the plan not yet final (pending, running, stopped). */
  open: number;
}

export function tally(planned: readonly PlannedTrial[], state: SweepState): SweepTally {
  const out: SweepTally = { completed: 0, failed: 0, diverged: 0, stopped_early: 0, open: 0 };
  const ids = new Set(planned.map((p) => p.id));
  for (const t of state.trials.values()) ids.add(t.id);
  for (const id of ids) {
    const status = state.trials.get(id)?.status ?? 'pending';
    if (status === 'completed' || status === 'failed' || status === 'diverged' || status === 'stopped_early') out[status]++;
    else out.open++;
  }
  return out;
}
