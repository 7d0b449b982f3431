// The leaderboard as a GitHub-flavoured Markdown table (for PRs, wikis, notebooks).
import { adviceLines, columns, leakageLine, summaryLine } from './columns.js';
import type { Leaderboard } from './leaderboard.js';

/** Escapes what Markdown or an HTML-rendering viewer would interpret in a cell. */
export function mdEscape(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`*_[\]#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

export function renderMarkdown(lb: Leaderboard): string {
  const cols = columns(lb);
  const out: string[] = [`## Sweep ${mdEscape(lb.name ?? '(unnamed)')}`, ''];
  if (lb.description) out.push(mdEscape(lb.description), '');
  out.push(mdEscape(summaryLine(lb)), '');
  const leak = leakageLine(lb);
  if (leak) out.push(`> **${mdEscape(leak)}**`, '');
  out.push(`| ${cols.map((c) => mdEscape(c.header)).join(' | ')} |`);
  out.push(`|${cols.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const row of lb.rows) out.push(`| ${cols.map((c) => mdEscape(c.cell(row))).join(' | ')} |`);
  const lines = adviceLines(lb);
  if (lines.length > 0) out.push('', ...lines.map((l) => `- ${mdEscape(l)}`));
  return out.join('\n') + '\n';
}
