// A sweep's budget (spec `stop_when`) and the record of the budget that ended a sweep, in words.
// Here, on the ground floor, because the run loop decides it and the reports say it.

/** The spec's `stop_when`: any subset of the three budgets. */
export interface StopWhen {
  /** The sweep's own running time in seconds, summed over its runs (run + each resume). */
  seconds?: number;
  /** How many trials may start in all. */
  trials?: number;
  /** The objective value that ends the sweep once a trial reaches it. */
  objective?: number;
}

export type BudgetKind = keyof StopWhen;

/** The budget that ended a sweep, as the journal's `sweep_ended` event records it. */
export interface BudgetEnd {
  budget: BudgetKind;
  /** The budget's limit then (seconds, trials, or the objective value). */
  limit: number;
  /** For `objective`: the trial that reached it and its value. */
  trial_id?: string;
  value?: number;
}

/** "budget of 600 s spent", "budget of 20 trials spent", "objective 0.9 reached by trial t003 (0.912)". */
export function budgetWords(end: BudgetEnd): string {
  switch (end.budget) {
    case 'seconds':
      return `budget of ${end.limit} s spent`;
    case 'trials':
      return `budget of ${end.limit} trial${end.limit === 1 ? '' : 's'} spent`;
    case 'objective':
      return `objective ${end.limit} reached${end.trial_id !== undefined ? ` by trial ${end.trial_id}` : ''}${end.value !== undefined ? ` (${end.value})` : ''}`;
  }
}

/** The flag of `resume` that gives a sweep a larger budget of this kind. */
export const BUDGET_FLAGS: Record<BudgetKind, string> = {
  seconds: '--stop-when-seconds',
  trials: '--stop-when-trials',
  objective: '--stop-when-objective',
};
