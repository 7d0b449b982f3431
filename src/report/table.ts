// The terminal leaderboard (cli-table3), printed by `finesweep report` and at the end of run/resume.
import Table from 'cli-table3';
import { adviceLines, columns, leakageLine, summaryLine } from './columns.js';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';

const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', green: '\u001b[32m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

function paint(text: string, color: keyof typeof ANSI, on: boolean): string {
  return on && text ? `${ANSI[color]}${text}${ANSI.reset}` : text;
}

function statusColor(row: LeaderboardRow): keyof typeof ANSI {
  if (row.status === 'completed') return 'green';
  if (row.status === 'failed' || row.status === 'diverged') return 'red';
  return 'dim';
}

export function renderTable(lb: Leaderboard, opts: { color?: boolean } = {}): string {
  const color = opts.color ?? false;
  const cols = columns(lb);
  const table = new Table({
    head: cols.map((c) => c.header),
    colAligns: cols.map((c) => c.align),
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [], compact: true },
  });
  for (const row of lb.rows) {
    table.push(
      cols.map((c) => {
        const text = c.cell(row);
        if (c.key === 'status') return paint(text, statusColor(row), color);
        if (c.key === 'flags') return paint(text, row.flags.some((f) => f.name === 'diverged' || f.name === 'leakage') ? 'red' : 'yellow', color);
        if (c.key === 'rank' && row.rank === 1) return paint(text, 'bold', color);
        return text;
      }),
    );
  }
  const head = [`Sweep ${lb.name ?? '(unnamed)'} — ${summaryLine(lb)}`];
  const leak = leakageLine(lb);
  if (leak) head.push(paint(leak, 'red', color));
  const body = lb.rows.length > 0 ? table.toString() : '(no trials yet)';
  return [...head, body, ...adviceLines(lb)].join('\n') + '\n';
}
