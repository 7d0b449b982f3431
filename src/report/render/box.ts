// A plain box-drawing table (header, rows, no rule between rows), linear in its rows: `finesweep
// plan` prints one row a trial, and cli-table3's layout took 4.4 s for 10,000 rows and 13 s for
// 20,000 here. Cells are plain text; widths are UTF-16 lengths, exact for the ASCII cells a plan has.

/** The table as lines joined by newlines (no trailing newline). */
export function boxTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => rows.reduce((w, row) => Math.max(w, (row[i] ?? '').length), h.length));
  const border = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const line = (cells: readonly string[]): string => `│ ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' │ ')} │`;
  const out = [border('┌', '┬', '┐'), line(head)];
  for (const row of rows) out.push(line(row));
  out.push(border('└', '┴', '┘'));
  return out.join('\n');
}
