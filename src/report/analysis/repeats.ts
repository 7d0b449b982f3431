// Repeats of a configuration in the report (`finesweep rerun`): the trials that ran one
// configuration with different seeds are ranked together by their mean, carry `repeats: { n,
// mean, sd }`, and the best configurations whose mean ± sd intervals overlap (trial/repeats.ts,
// withinNoise) are a tie: the ranking among them is within noise. Pure: no I/O.
import { compareValues, type Objective } from '../../trial/objective.js';
import { configurationOf, repeatStats, withinNoise, type RepeatStats } from '../../trial/repeats.js';
import type { RankedTrial } from './rank.js';

export interface RepeatView {
  /** The ranked trials, configurations by their mean, a configuration's trials together, each with its configuration's rank. */
  ranked: RankedTrial[];
  /** A configuration's stats (its first trial's id), for configurations run more than once. */
  stats: Map<string, RepeatStats>;
  /** The configurations tied with the best one (itself first), or empty: their intervals do not overlap. */
  tie: string[];
}

/**
 * Ranked trials regrouped by configuration; `ranked` unchanged where no trial is a repeat, or with
 * `keepOrder` (a Pareto ranking on two metrics, which a mean of one does not replace).
 */
export function groupRepeats(ranked: readonly RankedTrial[], objective: Objective, keepOrder = false): RepeatView {
  const stats = new Map<string, RepeatStats>();
  if (keepOrder || !ranked.some((r) => r.trial.repeatOf !== undefined)) return { ranked: ranked as RankedTrial[], stats, tie: [] };
  const scored = ranked.filter((r) => r.rank !== undefined && r.best);
  const groups = new Map<string, RankedTrial[]>();
  for (const r of scored) {
    const key = configurationOf(r.trial);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const order = [...groups].map(([configuration, members]) => {
    const s = repeatStats(members.map((m) => m.best!.value));
    if (s.n > 1) stats.set(configuration, s);
    return { configuration, members, mean: s.mean, stats: s };
  });
  // By mean; on equal means the configuration whose best run ranked higher first (a stable sort).
  order.sort((a, b) => compareValues(a.mean, b.mean, objective.goal));
  const out: RankedTrial[] = [];
  order.forEach((g, i) => {
    // The first run leads its configuration (its row carries mean ± sd), then its repeats in order.
    const members = [...g.members].sort((a, b) => Number(a.trial.repeatOf !== undefined) - Number(b.trial.repeatOf !== undefined) || a.trial.index - b.trial.index);
    for (const m of members) out.push({ ...m, rank: i + 1 });
  });
  const top = order[0];
  const tie = top && top.stats.n > 1 ? order.filter((g) => g === top || withinNoise(top.stats, g.stats)).map((g) => g.configuration) : [];
  return { ranked: [...out, ...ranked.filter((r) => !(r.rank !== undefined && r.best))], stats, tie: tie.length > 1 ? tie : [] };
}

/** The leaderboard's note on a tie: which configurations, their mean ± sd, and that their order is noise. */
export function tieNote(view: RepeatView, digits = 4): string | undefined {
  if (view.tie.length === 0) return undefined;
  const each = view.tie.map((c) => {
    const s = view.stats.get(c)!;
    return `${c} ${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)} (n ${s.n})`;
  });
  return `tie: ${each.join(', ')} — their mean ± sd intervals overlap, so the ranking among them is within noise`;
}

