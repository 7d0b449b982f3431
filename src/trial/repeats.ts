// Repeats of a configuration (`finesweep rerun`, spec `rerun`): the same params run again with new
// seeds, to measure the noise a single run hides. One home for how repeats are grouped and summed
// up, shared by the rerun planner (which configurations are the best) and the reporter.
import { compareValues, type Objective } from './objective.js';

/** The configuration a trial runs: its own id, or for a repeat the id of the trial it repeats. */
export function configurationOf(trial: { id: string; repeatOf?: string }): string {
  return trial.repeatOf ?? trial.id;
}

/** The id of a configuration's k-th repeat (1-based): the id gives the repeat its own seed. */
export function repeatId(configuration: string, k: number): string {
  return `${configuration}-r${k}`;
}

/** n runs of one configuration: the mean of their objective values and the sample sd (0 for one run). */
export interface RepeatStats {
  n: number;
  mean: number;
  sd: number;
}

export function repeatStats(values: readonly number[]): RepeatStats {
  const n = values.length;
  // Equal runs have no spread: exactly 0, not the rounding error of the sums below.
  if (values.every((v) => v === values[0])) return { n, mean: values[0] ?? Number.NaN, sd: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, sd };
}

/**
 * Whether two configurations cannot be told apart: their mean ± sd intervals overlap. mean ± sd
 * (not a 95% t-interval) because with the 2-3 runs a rerun affords, t's interval (±12.7 sd/√2 for
 * n = 2) overlaps almost always and would call every ranking a tie. A configuration run once has
 * no measured noise and ties with nothing.
 */
export function withinNoise(a: RepeatStats, b: RepeatStats): boolean {
  if (a.n < 2 || b.n < 2) return false;
  return Math.abs(a.mean - b.mean) <= a.sd + b.sd;
}

/**
 * Configurations by their completed runs' values (`valueOf`: the objective that ranks a trial, or
 * undefined where it has none), best mean first; ties keep the order of the configuration ids.
 */
export function configurationStats<T extends { id: string; repeatOf?: string }>(
  trials: Iterable<T>,
  valueOf: (trial: T) => number | undefined,
  objective: Objective,
): Array<{ configuration: string; stats: RepeatStats }> {
  const values = new Map<string, number[]>();
  for (const t of trials) {
    const v = valueOf(t);
    if (v === undefined) continue;
    const key = configurationOf(t);
    values.set(key, [...(values.get(key) ?? []), v]);
  }
  return [...values]
    .map(([configuration, vs]) => ({ configuration, stats: repeatStats(vs) }))
    .sort((a, b) => compareValues(a.stats.mean, b.stats.mean, objective.goal) || (a.configuration < b.configuration ? -1 : 1));
}
