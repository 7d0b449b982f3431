// Repeats as planned trials (`finesweep rerun --top K --seeds N`, spec `rerun`): the K best
// configurations each get N runs besides their first, as new trials of the same sweep. A repeat
// is journaled as trial_proposed with `repeat_of` before it runs, so resume (and kill -9) treat
// it like any trial; its id (<configuration>-r<k>) is what gives it a new seed (request.ts).
// Idempotent: asking again adds only the repeats still missing, so an interrupted rerun is
// continued by `resume` or by the same command.
import { InputError } from '../errors.js';
import type { JournalEventBody } from '../store/events.js';
import type { SweepState } from '../store/state.js';
import { bestEpoch, type Objective } from '../trial/objective.js';
import { configurationStats, repeatId } from '../trial/repeats.js';
import { isFinished } from '../trial/status.js';
import type { PlannedTrial } from '../trial/types.js';

export interface RerunAsk {
  /** How many of the best configurations to run again (>= 1). */
  top: number;
  /** Runs each of them gets besides its first (>= 1). */
  seeds: number;
}

/** A one-line refusal of a K or N that is not a whole number >= 1, naming `where` (a flag or a spec pointer). */
export function checkRerunAsk(ask: RerunAsk, where: { top: string; seeds: string }): void {
  for (const key of ['top', 'seeds'] as const) {
    const v = ask[key];
    if (!Number.isInteger(v) || v < 1) throw new InputError(`${where[key]}: expected a whole number >= 1, got ${String(v)}`);
  }
}

/**
 * The trial_proposed events that give the `ask.top` best configurations `ask.seeds` repeats each.
 * Pure. Best: by the mean over a configuration's completed runs of their best objective value.
 * `planned`: the sweep's plan (for the next free trial index).
 */
export function repeatsToPlan(state: SweepState, planned: readonly PlannedTrial[], objective: Objective, ask: RerunAsk): Array<Extract<JournalEventBody, { type: 'trial_proposed' }>> {
  const trials = [...state.trials.values()];
  const ranked = configurationStats(
    trials.filter((t) => t.status === 'completed'),
    (t) => bestEpoch(t.epochs, objective)?.value,
    objective,
  ).slice(0, ask.top);
  let next = Math.max(planned.length, ...trials.map((t) => t.index + 1));
  const out: Array<Extract<JournalEventBody, { type: 'trial_proposed' }>> = [];
  for (const { configuration } of ranked) {
    const first = state.trials.get(configuration)!;
    const have = trials.filter((t) => t.repeatOf === configuration).length;
    for (let k = have + 1; k <= ask.seeds; k++) {
      out.push({ type: 'trial_proposed', trial_id: repeatId(configuration, k), index: next++, params: first.params, sampler: 'rerun', repeat_of: configuration });
    }
  }
  return out;
}

/**
 * Why a sweep cannot be rerun yet, or undefined: its own trials (all but repeats) must be finished,
 * or the repeats would be ranked against a half-run sweep (and take a tpe sweep's proposals' places).
 */
export function unfinishedProblem(state: SweepState, planned: readonly PlannedTrial[], target: number, where: SweepWhere): string | undefined {
  const own = planned.filter((p) => !state.trials.get(p.id)?.repeatOf);
  const open = own.filter((p) => !isFinished(state.trials.get(p.id)?.status ?? 'pending')).length;
  if (open === 0 && own.length >= target - (planned.length - own.length)) return undefined;
  return `${where.name}: the sweep has unfinished trials; finish it with \`${where.resume}\`, then rerun`;
}

/** How messages name a sweep, and the command that continues it (a directory's, or a database's). */
export interface SweepWhere {
  name: string;
  resume: string;
}
