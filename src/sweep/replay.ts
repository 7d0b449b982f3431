// Scheduler decisions read off the journal (the schedulers themselves read only numbers): the call the run loop makes after each
// evaluation (on the live feed's evaluation results, kept up to date event by event, not a rescan of
// the journal), and the check a resumed sweep makes for stops that were decided but not written.
import { scheduleQuery } from '../schedule/horizon.js';
import type { Decision, EpochResult, Scheduler, ScheduleQuery } from '../schedule/scheduler.js';
import type { JournalEvent } from '../store/events.js';
import type { EventFeed, FeedView } from '../store/feed.js';
import { objectiveValue, type Objective } from '../trial/objective.js';
import { isFinished, statusAfter } from '../trial/status.js';
import type { Params } from '../trial/types.js';

/**
 * Decide for trial `query.trialId` after its evaluation (`scheduleQuery`) is in `events`. Pure: the
 * same journal prefix always gives the same decision.
 */
export function decideFromJournal(
  scheduler: Scheduler,
  objective: Objective,
  events: readonly JournalEvent[],
  query: ScheduleQuery,
): Decision {
  return scheduler.decide(epochResults(events, objective.metric), query);
}

/** The same decision on a live feed, from its epoch results view (`view`: one per run, epochResultsView). */
export function decideFromFeed(scheduler: Scheduler, feed: EventFeed, view: FeedView<EpochResults>, query: ScheduleQuery): Decision {
  return scheduler.decide(feed.view(view).results, query);
}

export interface StopDecision {
  trialId: string;
  epoch: number;
  rung?: number;
  reason: string;
}

/**
 * Stops owed by a journal: for every trial that has no terminal event (completed, failed for good,
 * diverged, stopped early), replay the decision of each recorded epoch in order and return the
 * first stop. A crash between an epoch_ended and its trial_stopped_early leaves exactly such a
 * trial, and so does an interrupt that beat the decision (trial_stopped is not terminal: resume
 * continues that trial); the resumed sweep writes the stop instead of training it further.
 * `queryOf`: the question the run asked after each evaluation (the CLI's, scheduleQuery, by
 * default; a library study's reads its max_steps from the study's options).
 */
export function pendingStops(
  scheduler: Scheduler,
  objective: Objective,
  events: readonly JournalEvent[],
  queryOf: (trialId: string, params: Params, point: { epoch: number; step?: number }) => ScheduleQuery = scheduleQuery,
): StopDecision[] {
  const results = epochResults(events, objective.metric);
  const params = new Map<string, Params>();
  const finished = new Set<string>();
  for (const e of events) {
    if (e.type === 'trial_started') {
      params.set(e.trial_id, e.params);
    } else {
      const status = statusAfter(e);
      if (status !== undefined && isFinished(status)) finished.add((e as { trial_id: string }).trial_id);
    }
  }
  const out: StopDecision[] = [];
  const decided = new Set<string>();
  // Each decision is asked of the results up to its own, as the run asked it: the scheduler's
  // standings then read the journal once instead of once per decision.
  const prefix: EpochResult[] = [];
  for (const r of results) {
    prefix.push(r);
    if (finished.has(r.trialId) || decided.has(r.trialId)) continue;
    const p = params.get(r.trialId);
    if (p === undefined) continue;
    const d = scheduler.decide(prefix, queryOf(r.trialId, p, r));
    if (d.action === 'stop') {
      decided.add(r.trialId);
      out.push({ trialId: r.trialId, epoch: d.epoch, ...(d.rung !== undefined ? { rung: d.rung } : {}), reason: d.reason });
    }
  }
  return out;
}

/**
 * The objective of every evaluation (epoch_ended event), in journal order. Kept: the first record
 * of each (trial, step, epoch) — a resumed or retried trial re-reporting an evaluation does not
 * count twice. Dropped: evaluations a trial recorded after it was stopped early (one in flight when
 * the stop was written).
 */
export function epochResults(events: readonly JournalEvent[], metric: string): EpochResult[] {
  const view = epochResultsView(metric);
  const acc = view.init();
  for (const e of events) view.apply(acc, e);
  return acc.results;
}

export interface EpochResults {
  results: EpochResult[];
  seen: Set<string>;
  stopped: Set<string>;
}

/** epochResults as a view of a live feed, read on event by event. */
export function epochResultsView(metric: string): FeedView<EpochResults> {
  return {
    init: () => ({ results: [], seen: new Set(), stopped: new Set() }),
    apply(acc, e) {
      if (e.type === 'trial_stopped_early') acc.stopped.add(e.trial_id);
      if (e.type !== 'epoch_ended' || acc.stopped.has(e.trial_id)) return;
      const { epoch, step } = e.metrics;
      const key = `${e.trial_id}\u0000${step ?? ''}\u0000${epoch}`;
      if (acc.seen.has(key)) return;
      acc.seen.add(key);
      acc.results.push({ trialId: e.trial_id, epoch, ...(typeof step === 'number' ? { step } : {}), value: objectiveValue(e.metrics, metric) ?? Number.NaN });
    },
  };
}
