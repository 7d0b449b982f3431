// One change the next sweep makes to a parameter's range (next-sweep.ts), as the leaderboard carries
// it: a module of its own so that the leaderboard and the rule that fills it need not import each other.

export interface SpecChange {
  /** The parameter changed. */
  parameter: string;
  from: string;
  to: string;
  /** Why, in one line. */
  why: string;
}
