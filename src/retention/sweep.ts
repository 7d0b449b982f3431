// The retention pass of a sweep: after a trial ends and when the sweep ends, remove what the policy
// says (policy.ts) and journal each removal first (trial_files_removed), so that the journal never
// lags the disk. The run loop keeps one Retention for its run and tells it which trials changed
// since the last pass: a pass costs what changed, not what the sweep holds (a trial's files are
// measured once it is finished, and only trials with files or in the top keep_top_trials are judged).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEventBody } from '../store/events.js';
import { TRIALS_DIR } from '../store/layout.js';
import type { SweepState, TrialState } from '../store/state.js';
import { bestEpoch, resolveObjective, type Goal, type Objective } from '../trial/objective.js';
import { isFinished } from '../trial/status.js';
import { measureTrial, removeFiles } from './apply.js';
import { byBest, DEFAULT_RETENTION, retentionDecisions, type Removal, type RetentionPolicy, type TrialFiles } from './policy.js';

interface SpecView {
  objective: { metric: string; goal?: Goal };
  resources?: { checkpoints?: Partial<RetentionPolicy> };
}

export function policyOf(spec: SpecView): RetentionPolicy {
  return { ...DEFAULT_RETENTION, ...(spec.resources?.checkpoints ?? {}) };
}

type Scored = { id: string; best: number };

export class Retention {
  readonly #dir: string;
  readonly #policy: RetentionPolicy;
  readonly #objective: Objective;
  /** Every trial seen, in the order first seen (the order removals are decided and journaled in). */
  readonly #files = new Map<string, TrialFiles & { measured: boolean; seen: number }>();
  /** Trials with a finite best, best first (policy.ts's order): ranks without sorting every pass. */
  readonly #ranked: Scored[] = [];
  /** Finished trials that still hold files: the only ones a removal can concern. */
  readonly #holders = new Set<string>();
  /** Trials not finished: their files may still change, so they are measured again when the disk budget counts them. */
  readonly #open = new Set<string>();

  constructor(dir: string, spec: SpecView) {
    this.#dir = dir;
    this.#policy = policyOf(spec);
    this.#objective = resolveObjective(spec.objective);
  }

  /**
   * Decides and applies the removals owed after the trials in `touched` changed (every trial the
   * first time). Removals are journaled, each before its files go.
   */
  async apply(state: SweepState, touched: Iterable<string>, append: (body: JournalEventBody) => Promise<unknown>): Promise<Removal[]> {
    for (const id of touched) {
      const t = state.trials.get(id);
      if (t) this.#update(t);
    }
    if (this.#holders.size === 0) return [];
    if (this.#policy.max_disk_mb !== undefined) for (const id of this.#open) this.#measure(this.#files.get(id)!);
    const removals = retentionDecisions(this.#candidates(), this.#policy, this.#objective.goal, (id) => this.#rankOf(id));
    for (const r of removals) {
      await append({ type: 'trial_files_removed', ...r });
      removeFiles(join(this.#dir, TRIALS_DIR, r.trial_id), r);
      this.#removed(r.trial_id, r.what);
    }
    return removals;
  }

  #update(t: TrialState): void {
    let f = this.#files.get(t.id);
    if (!f) this.#files.set(t.id, (f = { id: t.id, status: t.status, checkpointBytes: 0, weightsBytes: 0, measured: false, seen: this.#files.size }));
    f.status = t.status;
    this.#rescore(f, bestEpoch(t.epochs, this.#objective)?.value);
    if (isFinished(t.status)) {
      this.#open.delete(t.id);
      // A finished trial's files change only by removal: measured once.
      if (!f.measured) this.#measure(f);
      f.measured = true;
    } else {
      this.#open.add(t.id);
      f.measured = false;
    }
    for (const what of t.removed ?? []) this.#removed(t.id, what);
    if (isFinished(t.status) && f.checkpointBytes + f.weightsBytes > 0) this.#holders.add(t.id);
  }

  #measure(f: TrialFiles): void {
    const dir = join(this.#dir, TRIALS_DIR, f.id);
    const m = existsSync(dir) ? measureTrial({ id: f.id, status: f.status, dir }) : undefined;
    f.checkpointBytes = m?.checkpointBytes ?? 0;
    f.weightsBytes = m?.weightsBytes ?? 0;
  }

  #removed(id: string, what: Removal['what']): void {
    const f = this.#files.get(id);
    if (!f) return;
    if (what === 'checkpoint') f.checkpointBytes = 0;
    else f.weightsBytes = 0;
    if (f.checkpointBytes + f.weightsBytes === 0) this.#holders.delete(id);
  }

  /** Moves a trial to its place among the scored ones when its best changed. */
  #rescore(f: TrialFiles, best: number | undefined): void {
    if (best === f.best) return;
    if (f.best !== undefined) this.#ranked.splice(this.#indexOf({ id: f.id, best: f.best }), 1);
    if (best === undefined) delete f.best;
    else {
      f.best = best;
      this.#ranked.splice(this.#indexOf({ id: f.id, best }), 0, { id: f.id, best });
    }
  }

  /** Where `s` is (or would go) in #ranked. */
  #indexOf(s: Scored): number {
    let lo = 0;
    let hi = this.#ranked.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byBest(this.#ranked[mid], s, this.#objective.goal) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #rankOf(id: string): number | undefined {
    const best = this.#files.get(id)?.best;
    return best === undefined ? undefined : this.#indexOf({ id, best }) + 1;
  }

  /**
   * What the policy must see: the trials holding files that a removal may concern, the top
   * keep_top_trials (whose ranks decide), and under a disk budget every trial that holds bytes.
   */
  #candidates(): TrialFiles[] {
    const ids = new Set(this.#holders);
    for (const s of this.#ranked.slice(0, this.#policy.keep_top_trials)) ids.add(s.id);
    if (this.#policy.max_disk_mb !== undefined) for (const id of this.#open) ids.add(id);
    // In the order trials were first seen, as a pass over the whole state would judge them.
    return [...ids].map((id) => this.#files.get(id)!).sort((a, b) => a.seen - b.seen);
  }
}

/** One pass over every trial of a state (a sweep's end, or a caller without a run of its own). */
export function applyRetention(dir: string, state: SweepState, spec: SpecView, append: (body: JournalEventBody) => Promise<unknown>): Promise<Removal[]> {
  return new Retention(dir, spec).apply(state, state.trials.keys(), append);
}
