// Where repeats enter a sweep session: `finesweep rerun` journals them before the run
// (withRepeats), and a spec with `rerun` journals them when its sweep ends (runWithRepeats).
import { InputError } from '../errors.js';
import type { JournalEvent } from '../store/events.js';
import { foldTrials } from '../store/fold.js';
import type { Store } from '../store/store.js';
import type { SweepOutcome, SweepRunOptions } from './options.js';
import { targetOf, type Plan, type SweepTrainer } from './plan.js';
import { objectiveOf } from './request.js';
import { checkRerunAsk, repeatsToPlan, unfinishedProblem, type RerunAsk, type SweepWhere } from './rerun.js';
import { Supervisor, type Origin } from './supervisor.js';

/**
 * The journal with the repeats `ask` still misses appended (under the caller's lock). Refuses a
 * sweep whose own trials are not finished.
 */
export async function withRepeats(store: Store, plan: Plan, events: JournalEvent[], ask: RerunAsk, where?: SweepWhere): Promise<JournalEvent[]> {
  checkRerunAsk(ask, { top: '--top', seeds: '--seeds' });
  const state = foldTrials(events);
  const planned = plannedOf(plan, state);
  const problem = unfinishedProblem(state, planned, targetOf(plan.spec, planned.length), where ?? { name: store.dir, resume: `finesweep resume ${store.dir}` });
  if (problem !== undefined) throw new InputError(problem);
  const repeats = repeatsToPlan(state, planned, objectiveOf(plan.spec), ask);
  if (repeats.length === 0) return events;
  for (const r of repeats) await store.append(r);
  return store.events();
}

/** Run the sweep; where its spec asks for `rerun` and it completed, journal the repeats and run them too. */
export async function runWithRepeats(store: Store, plan: Plan, events: JournalEvent[], trainer: SweepTrainer, origin: Origin, opts: SweepRunOptions): Promise<SweepOutcome> {
  const outcome = await new Supervisor(store, plan, events, trainer, origin, opts).run();
  const ask = plan.spec.rerun;
  if (!ask || !outcome.state.completed) return outcome;
  const before = await store.events();
  const after = await withRepeats(store, plan, before, ask);
  if (after.length === before.length) return outcome;
  return new Supervisor(store, plan, after, trainer, { ...origin, resumed: true }, opts).run();
}

/** The sweep's trials as the supervisor plans them: the spec's, then those the journal proposed. */
function plannedOf(plan: Plan, state: ReturnType<typeof foldTrials>): Plan['planned'] {
  const known = new Set(plan.planned.map((t) => t.id));
  const proposed = [...state.trials.values()].filter((t) => !known.has(t.id)).sort((a, b) => a.index - b.index);
  return [...plan.planned, ...proposed.map((t) => ({ id: t.id, index: t.index, params: t.params }))];
}
