// The run loop's decisions: what to run next (read off the folded journal state), what a trial's
// event is in the journal, and how an attempt's end is recorded. Pure: no I/O, no clock, no
// thread, so a resumed sweep takes exactly the decisions the interrupted one would have.
import type { TrialErrorInfo, TrialRun } from '../pool/protocol.js';
import type { PlannedTrial } from '../trial/types.js';
import type { JournalEventBody } from '../store/events.js';
import type { SweepState, TrialState } from '../store/state.js';
import { reportsMetric } from '../trial/objective.js';
import { isFinished } from '../trial/status.js';
import type { EpochMetrics, ForgettingReport, TrialEvent } from '../trial/types.js';

/** One trial to run: a fresh start, a retry, or the continuation of an interrupted attempt. */
export interface TrialWork {
  trial: PlannedTrial;
  /** 1-based attempt number: failures so far + 1 (a continuation keeps its attempt). */
  attempt: number;
}

/** The trials still to run, in plan order: pending, retries owed, and those interrupted while running. */
export function workToDo(planned: readonly PlannedTrial[], state: SweepState): TrialWork[] {
  const work: TrialWork[] = [];
  for (const trial of planned) {
    const t = state.trials.get(trial.id);
    if (t && isFinished(t.status)) continue;
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
    if (isFinished(status)) out[status as keyof Omit<SweepTally, 'open'>]++;
    else out.open++;
  }
  return out;
}

/** What a trial's event becomes: a journal event, a line of its log, or nothing (progress only). */
/**
 * `backend`: the compute backend the trial's trainer said it runs on (its 'backend' event), if it
 * said one; the run loop knows no backend of its own.
 */
export function recordOfEvent(trialId: string, event: TrialEvent, backend: string | undefined): { journal?: JournalEventBody; log?: string } {
  switch (event.type) {
    case 'backend':
      return { log: `backend ${event.name}: ${event.reason}` };
    case 'data_report':
      return { journal: { type: 'data_report', trial_id: trialId, report: event.report, ...(backend !== undefined ? { backend } : {}) } };
    case 'epoch':
      return { journal: { type: 'epoch_ended', trial_id: trialId, metrics: event.metrics } };
    case 'log':
      return { log: event.message };
    case 'resumed':
      return { log: `resumed from the checkpoint of epoch ${event.fromEpoch}` };
    case 'forgetting':
    case 'step':
      return {};
  }
}

/** Why the run loop stopped a trial: an interrupt, its timeout, or the scheduler's early stop. */
export interface StopCause {
  kind: 'interrupt' | 'timeout' | 'early';
  epoch?: number;
  rung?: number;
  reason: string;
}

/** What the run loop knows when an attempt has ended (every event it sent is durable). */
export interface AttemptEnd {
  trialId: string;
  run: TrialRun;
  stopCause?: StopCause;
  /** The sweep's hard stop fired (second Ctrl-C): the trial was killed at once. */
  killed: boolean;
  /** The last epoch the trial reached by its events (its first epoch for a divergence). */
  lastEpoch: number;
  /** The trial's state in the journal now. */
  state: TrialState | undefined;
  forgetting?: ForgettingReport;
  /** The sweep's objective metric: a completed trial that never reported it cannot be ranked. */
  metric: string;
}

/**
 * How an ended attempt is recorded. `events`: journal events to append in order (the first
 * `awaited` of them awaited, for epochs the journal missed); `failure`: a failed attempt (retry
 * rules apply; an input failure stops the sweep).
 */
export type AttemptRecord =
  | { events: JournalEventBody[]; awaited: number; failure?: undefined }
  | { events: []; awaited: 0; failure: TrialErrorInfo };

const failure = (message: string, input = false): AttemptRecord => ({ events: [], awaited: 0, failure: { name: input ? 'InputError' : 'Error', message, outOfMemory: false, input } });

export function recordOfAttempt(end: AttemptEnd): AttemptRecord {
  const { trialId, run, stopCause } = end;
  if (run.ok && run.result.outcome === 'completed') {
    // A metric the journal missed (the process died between the checkpoint and the event) is
    // recorded from the result, so that the completed trial shows every epoch.
    const recorded = new Set(end.state?.epochs.map((m) => m.epoch));
    const missing = run.result.epochs.filter((m) => !recorded.has(m.epoch));
    const all: EpochMetrics[] = [...(end.state?.epochs ?? []), ...missing];
    if (!reportsMetric(all, end.metric)) {
      // Every trial of the sweep would end the same way (the trainer does not report that metric):
      // the sweep's input, not this trial's bad luck.
      const reported = [...new Set(all.flatMap((m) => Object.keys(m).filter((k) => k !== 'epoch' && k !== 'seconds' && typeof m[k] === 'number')))];
      return failure(
        `trial ${trialId} completed without reporting the objective metric ${JSON.stringify(end.metric)}` +
          (reported.length ? ` (it reported ${reported.join(', ')})` : ' (it reported no metric)'),
        true,
      );
    }
    const forgetting = end.forgetting ?? run.result.forgetting;
    const completed: JournalEventBody = {
      type: 'trial_completed',
      trial_id: trialId,
      seconds: run.result.seconds,
      ...(forgetting ? { forgetting } : {}),
      ...(run.result.initialValLoss !== undefined ? { initial_val_loss: run.result.initialValLoss } : {}),
    };
    const epochs: JournalEventBody[] = missing.map((metrics) => ({ type: 'epoch_ended', trial_id: trialId, metrics }));
    return { events: [...epochs, completed], awaited: epochs.length };
  }
  if (run.ok && run.result.outcome === 'diverged') {
    return { events: [{ type: 'trial_diverged', trial_id: trialId, epoch: Math.max(end.lastEpoch, 1), reason: run.result.reason ?? 'loss is not finite' }], awaited: 0 };
  }
  const epochNow = fromEpochOf(end.state);
  // A stopped external program: how it ended (SIGTERM, or SIGKILL after its grace) joins the reason.
  const how = run.ok && run.result.termination ? ` (${run.result.termination.note})` : '';
  const endedBy = run.ok && run.result.termination ? { ended_by: run.result.termination.endedBy } : {};
  const early = (cause: StopCause): AttemptRecord => ({
    events: [{ type: 'trial_stopped_early', trial_id: trialId, epoch: cause.epoch ?? epochNow, ...(cause.rung !== undefined ? { rung: cause.rung } : {}), reason: `${cause.reason}${how}`, ...endedBy }],
    awaited: 0,
  });
  if (stopCause?.kind === 'timeout') return failure(`${stopCause.reason}${how}`);
  if (run.ok) {
    // Stopped: by an early-stop decision, or by an interrupt (resume continues it).
    if (stopCause?.kind === 'early') return early(stopCause);
    return { events: [{ type: 'trial_stopped', trial_id: trialId, epoch: epochNow, reason: run.result.reason ?? stopCause?.reason ?? 'stopped', ...endedBy }], awaited: 0 };
  }
  // Killed at once: the journal shows it running; resume continues it.
  if (end.killed) return { events: [], awaited: 0 };
  // Stopped early but killed after its grace period: still the scheduler's stop.
  if (stopCause?.kind === 'early') return early(stopCause);
  if (stopCause?.kind === 'interrupt') {
    // The trial did not stop within its grace period and was killed: still a stop, not a failure.
    return { events: [{ type: 'trial_stopped', trial_id: trialId, epoch: epochNow, reason: `interrupted (${run.error.message})` }], awaited: 1 };
  }
  return { events: [], awaited: 0, failure: run.error };
}
