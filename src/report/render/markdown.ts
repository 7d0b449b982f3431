// The leaderboard as a GitHub-flavoured Markdown table (for PRs, wikis, notebooks).
import { adviceLines, columns, leakageLine, summaryLine } from '../view/columns.js';
import type { Leaderboard } from '../view/leaderboard.js';

/** Escapes what Markdown or an HTML-rendering viewer would interpret in a cell. */
const MD_ESCAPES: Record<string, string> = { '\\': '\\\\', '|': '\\|', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r\n': ' ', '\n': ' ', '\r': ' ' };

function mdEscape(text: string): string {
  // One pass over the text (a 10,000-row table has a quarter of a million cells).
  return text.replace(/\r\n|[\\|&<>`*_[\]#\n\r]/g, (c) => MD_ESCAPES[c] ?? `\\${c}`);
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
