// The retention pass of a sweep: after a trial ends and when the sweep ends, remove what the policy
// says (policy.ts) and journal each removal first (trial_files_removed), so that the journal never
// lags the disk. The run loop calls it; it needs only the sweep directory, its state and its spec.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { naturalGoal } from '../trial/objective.js';
import type { JournalEventBody } from '../store/events.js';
import { TRIALS_DIR } from '../store/layout.js';
import type { SweepState } from '../store/state.js';
import { planRemovals, removeFiles, type TrialOnDisk } from './apply.js';
import { DEFAULT_RETENTION, FINISHED, type Removal, type RetentionPolicy } from './policy.js';

interface SpecView {
  objective: { metric: string; goal?: 'minimize' | 'maximize' };
  resources?: { checkpoints?: Partial<RetentionPolicy> };
}

export function policyOf(spec: SpecView): RetentionPolicy {
  return { ...DEFAULT_RETENTION, ...(spec.resources?.checkpoints ?? {}) };
}

/** The objective at each trial's best epoch, from the journal's epochs. */
function bestOf(epochs: ReadonlyArray<Record<string, unknown>>, metric: string, goal: 'minimize' | 'maximize'): number | undefined {
  let best: number | undefined;
  for (const e of epochs) {
    const v = e[metric];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (best === undefined || (goal === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/** The trials that have a directory under trials/ (trial directories are made only when something is written there). */
function trialDirs(dir: string): Set<string> {
  const trials = join(dir, TRIALS_DIR);
  try {
    if (!statSync(trials, { throwIfNoEntry: false })) return new Set();
    return new Set(readdirSync(trials));
  } catch {
    return new Set();
  }
}

export async function applyRetention(dir: string, state: SweepState, spec: SpecView, append: (body: JournalEventBody) => Promise<unknown>): Promise<Removal[]> {
  // The run loop calls this after every trial: a sweep whose finished trials hold no files (a
  // synthetic sweep) costs one readdir, not a stat of every trial's checkpoint and weights.
  const present = trialDirs(dir);
  if (![...present].some((id) => FINISHED.has(state.trials.get(id)?.status ?? ''))) return [];
  const goal = spec.objective.goal ?? naturalGoal(spec.objective.metric);
  const trials: TrialOnDisk[] = [...state.trials.values()].map((t) => ({
    id: t.id,
    status: t.status,
    best: bestOf(t.epochs as unknown as Array<Record<string, unknown>>, spec.objective.metric, goal),
    ...(present.has(t.id) ? { dir: join(dir, TRIALS_DIR, t.id) } : {}),
  }));
  const removals = planRemovals(trials, policyOf(spec), goal);
  for (const r of removals) {
    await append({ type: 'trial_files_removed', ...r });
    removeFiles(join(dir, TRIALS_DIR, r.trial_id), r);
  }
  return removals;
}
