// Trial states. A trial's state is a fold over the journal's events (store/fold.ts); these are
// the values it takes, and which of them are final.

export type TrialStatus = 'pending' | 'running' | 'completed' | 'failed' | 'diverged' | 'stopped' | 'stopped_early';

/** Statuses that are never run again. A failed trial is 'pending' again while it has retries. */
export const FINAL_STATUSES: readonly TrialStatus[] = ['completed', 'failed', 'diverged', 'stopped_early'];

export function isFinal(status: TrialStatus): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}
