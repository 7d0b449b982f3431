// The trial state machine: the states a trial takes, which of them are final, and the state each
// journal event leaves it in. store/fold.ts applies it event by event; every reader that asks "is
// this trial finished?" (the run loop, replay, history, retention, both stores) asks here.

export type TrialStatus = 'pending' | 'running' | 'completed' | 'failed' | 'diverged' | 'stopped' | 'stopped_early';

/** Statuses that are never run again. A failed trial is 'pending' again while it has retries. */
const FINISHED_STATUSES: readonly TrialStatus[] = ['completed', 'failed', 'diverged', 'stopped_early'];

/** Whether a trial in `status` is never run again (Optuna's TrialState.is_finished). */
export function isFinished(status: TrialStatus | string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

/**
 * Whether a trial in `status` finished with an outcome its parameters earned (completed, diverged,
 * stopped early): what a sampler learns from, and after which its resume checkpoint is no longer
 * needed. A failure says nothing about the parameters.
 */
export function hasOutcome(status: TrialStatus | string): boolean {
  return status === 'completed' || status === 'diverged' || status === 'stopped_early';
}

/** The part of a journal event the state machine reads (the trial/ floor knows no journal). */
export interface StatusEvent {
  type: string;
  will_retry?: boolean;
}

/**
 * The status an event leaves its trial in, or undefined for an event that does not move it
 * (epochs, data reports, removals, proposals of a trial already known).
 */
export function statusAfter(event: StatusEvent): TrialStatus | undefined {
  switch (event.type) {
    case 'trial_started':
      return 'running';
    case 'trial_completed':
      return 'completed';
    case 'trial_failed':
      return event.will_retry ? 'pending' : 'failed';
    case 'trial_diverged':
      return 'diverged';
    case 'trial_stopped':
      return 'stopped'; // interrupted: resume continues it from its checkpoint
    case 'trial_stopped_early':
      return 'stopped_early';
    default:
      return undefined;
  }
}
