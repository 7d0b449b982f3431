// The leaderboard as CSV (RFC 4180): one row a trial, full-precision numbers, for spreadsheets and pandas.
import { columns } from '../view/columns.js';
import type { Leaderboard } from '../view/leaderboard.js';

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  // A leading =, +, - or @ makes spreadsheets evaluate the cell as a formula: quote it with a tick.
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(lb: Leaderboard): string {
  const cols = columns(lb);
  const lines = [cols.map((c) => csvField(c.key)).join(',')];
  for (const row of lb.rows) lines.push(cols.map((c) => csvField(c.raw(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
