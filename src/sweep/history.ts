// The history a sampler sees, read off the journal (search/ never reads the store itself): from a
// journal prefix (a resume replaying a proposal), or as a view of the run's live feed, read on
// event by event (a proposal does not rescan the journal).
import type { FinishedTrial } from '../search/sampler.js';
import type { JournalEvent } from '../store/events.js';
import type { FeedView } from '../store/feed.js';
import { bestLoss, objectiveValue, type Objective } from '../trial/objective.js';
import { hasOutcome, statusAfter } from '../trial/status.js';
import type { Params } from '../trial/types.js';

/**
 * The history a sampler sees, read off the journal: every trial that completed, stopped early or
 * diverged, in the order those terminal events were written, with its best objective over the
 * epochs it recorded (for a trial stopped early: the best up to the epoch it was stopped at — the
 * same reading the leaderboard ranks by). Failed and user-stopped trials say nothing about their
 * parameters and are left out. `beforeSeq`: only events with a smaller seq, i.e. the history as it
 * stood when a given trial_proposed event was written.
 */
export function historyFromJournal(events: readonly JournalEvent[], objective: Objective, beforeSeq = Infinity): FinishedTrial[] {
  const view = historyView(objective);
  const acc = view.init();
  for (const e of events) {
    if (e.seq >= beforeSeq) break;
    view.apply(acc, e);
  }
  return acc.history;
}

export interface History {
  history: FinishedTrial[];
  params: Map<string, Params>;
  curves: Map<string, Map<number, number>>;
  done: Set<string>;
}

/** historyFromJournal as a view of a live feed. */
export function historyView(objective: Objective): FeedView<History> {
  return {
    init: () => ({ history: [], params: new Map(), curves: new Map(), done: new Set() }),
    apply({ history, params, curves, done }, e) {
      switch (e.type) {
        case 'trial_proposed':
        case 'trial_started':
          if (!params.has(e.trial_id)) params.set(e.trial_id, e.params);
          return;
        case 'epoch_ended': {
          if (done.has(e.trial_id)) return;
          let curve = curves.get(e.trial_id);
          if (!curve) curves.set(e.trial_id, (curve = new Map()));
          if (!curve.has(e.metrics.epoch)) curve.set(e.metrics.epoch, objectiveValue(e.metrics, objective.metric) ?? Number.NaN);
          return;
        }
        default: {
          const status = statusAfter(e);
          if (status === undefined || !hasOutcome(status)) return;
          const id = (e as { trial_id: string }).trial_id;
          const p = params.get(id);
          if (!p || done.has(id)) return;
          done.add(id);
          const last = e.type === 'trial_stopped_early' || e.type === 'trial_diverged' ? e.epoch : Infinity;
          const values = [...(curves.get(id) ?? new Map<number, number>())].filter(([k]) => k <= last).map(([, v]) => v);
          const best = bestLoss(values, objective.goal);
          history.push({ params: p, objective: Number.isFinite(best) ? (objective.goal === 'minimize' ? best : -best) : Number.NaN });
        }
      }
    },
  };
}
