// What a sweep run is given (options, signals, the progress callback) and what it returns.
import type { ResourceLimits } from 'node:worker_threads';
import type { Slot } from '../pool/slots.js';
import type { StopWhen } from '../trial/budget.js';
import type { PlannedTrial } from '../trial/types.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { JournalEvent } from '../store/events.js';
import type { LeaseOptions } from '../store/store.js';
import type { SweepState } from '../store/state.js';
import type { TrialEvent } from '../trial/types.js';

/** What the run loop tells a progress display, as it happens. */
export type SweepProgress =
  | { type: 'plan'; dir: string; name: string; total: number; done: number; slots: readonly Slot[]; resumed: boolean; metric: string }
  | { type: 'journal'; event: JournalEvent }
  | { type: 'trial'; trialId: string; slot: number; params: PlannedTrial['params']; event: TrialEvent };

export interface SweepRunOptions {
  /** Overrides resources.backend (the trainer's word: a tfjs backend for the built-in trainer). */
  backend?: string;
  /** Overrides resources.workers (CPU slots). */
  workers?: number;
  /** Overrides resources.gpus (`worker --gpus`: this machine's GPUs for its slots). */
  gpus?: 0 | 'auto' | number[];
  /**
   * Tests and benchmarks only: the module URL of the trainer that runs every trial, in place of
   * the one the spec's task.type names (e.g. a synthetic trainer of bench/trainers/).
   */
  trainer?: string;
  /** Graceful stop (first Ctrl-C): no new trials; running ones checkpoint and are recorded stopped. */
  signal?: AbortSignal;
  /** Hard stop (second Ctrl-C): trial threads are terminated and processes killed. */
  kill?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Environment for GPU discovery (nvidia-smi on its PATH). */
  env?: NodeJS.ProcessEnv;
  /** Limits of each trial worker thread. */
  resourceLimits?: ResourceLimits;
  /** How long a stopped trial may take to reach its next batch before it is killed (default 60 s). */
  stopGraceMs?: number;
  /**
   * A shared sweep (`finesweep worker`, shared.ts): each free slot claims its next trial here
   * instead of taking it from the local plan; undefined ends the slot.
   */
  claim?: (slot: Slot) => Promise<ClaimedWork | undefined>;
  /** resume --take-over: take the lock of a controller known dead before its lease expires. */
  takeOver?: boolean;
  /**
   * resume --stop-when-…: a new budget, laid key by key over the spec's stop_when and written to
   * spec.resolved.json (a budget is not part of the spec's identity: its hash leaves it out).
   */
  stopWhen?: StopWhen;
  /** resume --wait: wait for the lease of a controller that looks alive to expire, then take it. */
  wait?: LeaseOptions['wait'];
}

/** A trial claimed on a shared sweep, with its lease. */
export interface ClaimedWork {
  trial: PlannedTrial;
  attempt: number;
  /** The sweep's events when it was claimed (other workers' attempts of this trial among them). */
  history: readonly JournalEvent[];
  /** The epoch this attempt starts after; 0 where its checkpoint is not in this worker's trial files. */
  fromEpoch: number;
  /** Aborted when the lease is lost: the trial is killed, nothing more is recorded about it. */
  lost: AbortSignal;
  /** The attempt is over: stop renewing the lease. */
  done(): Promise<void>;
}

export interface RunOptions extends SweepRunOptions {
  /** The results directory; the sweep lives in <results>/<spec name>/ (default results/). */
  resultsDir?: string;
  /** Largest grid accepted (expandTrials' limit). */
  maxTrials?: number;
}

export interface SweepOutcome {
  dir: string;
  spec: ResolvedSpec;
  /** The trials of the plan (for a leaderboard that lists those never started). */
  planned: readonly PlannedTrial[];
  state: SweepState;
}
