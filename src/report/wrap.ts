// Wrapping a line of words to a terminal's width: the table's footer (advice, notes, the next
// sweep) is prose, and a terminal that wraps it itself breaks words in the middle.

/** Characters a string takes on a terminal (code points; the report writes no wide characters). */
const width = (s: string): number => [...s].length;

/**
 * `text` as lines of at most `columns` characters, broken at spaces. A continuation line is indented
 * two spaces past the line's own indent, so that it reads as the same item; a single word longer
 * than a line (a path) is cut where the line ends, the only place a word is split.
 */
export function wrapWords(text: string, columns: number): string[] {
  if (!Number.isFinite(columns) || columns < 20 || width(text) <= columns) return [text];
  const indent = /^ */.exec(text)![0];
  const hanging = `${indent}  `;
  const words = text.slice(indent.length).split(/ +/);
  const lines: string[] = [];
  let line = indent;
  let lead = indent;
  for (let word of words) {
    const sep = line === lead ? '' : ' ';
    if (width(line) + sep.length + width(word) <= columns) {
      line += sep + word;
      continue;
    }
    if (line !== lead) {
      lines.push(line);
      line = lead = hanging;
    }
    while (width(line) + width(word) > columns) {
      const room = columns - width(line);
      const chars = [...word];
      lines.push(line + chars.slice(0, room).join(''));
      word = chars.slice(room).join('');
      line = lead = hanging;
    }
    line += word;
  }
  if (line !== lead || lines.length === 0) lines.push(line);
  return lines;
}
