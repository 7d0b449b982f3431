// A flag: one thing a careful engineer would point at in a trial's curves. Its own module because
// every rule (diagnose.ts, divergence.ts) and the advice that follows from them (advice.ts) speak it.

export type FlagName = 'leakage' | 'diverged' | 'overfitting' | 'underfitting' | 'still_improving' | 'forgetting';

export interface Flag {
  name: FlagName;
  /** The epoch the flag points at (where overfitting began, where the loss blew up). */
  epoch?: number;
  /** What was measured, in one line. */
  detail: string;
  /** What to try, in one line (the flag's own advice; the trial's one recommendation is chosen in advice.ts). */
  advice: string;
}
