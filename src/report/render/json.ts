// The leaderboard as JSON: the whole Leaderboard structure (rows with flags and curves), for scripts.
import type { Leaderboard } from '../view/leaderboard.js';

export function renderJson(lb: Leaderboard): string {
  // NaN and Infinity are not JSON: a diverged epoch's loss is written as a string ("NaN").
  return JSON.stringify(lb, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}
