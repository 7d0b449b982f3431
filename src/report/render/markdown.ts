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
  if (lines.length > 0) out.push('', ...footer(lines));
  return out.join('\n') + '\n';
}

/**
 * The lines under the table as a list; an indented run (the importance bars, the suggest command)
 * goes in a code block under its item, where a viewer keeps its spaces and a fixed-width font, so
 * that the bars stay aligned.
 */
function footer(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('  ')) {
      out.push(`- ${mdEscape(lines[i])}`);
      continue;
    }
    const run: string[] = [];
    while (i < lines.length && lines[i].startsWith('  ')) run.push(lines[i++].slice(2));
    i--;
    // A fence longer than any run of backticks inside it.
    const fence = '`'.repeat(Math.max(3, ...run.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((b) => b.length + 1)))));
    out.push(`  ${fence}text`, ...run.map((l) => `  ${l}`), `  ${fence}`);
  }
  return out;
}
