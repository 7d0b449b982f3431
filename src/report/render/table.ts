// The terminal leaderboard, printed by `finesweep report` and at the end of run/resume. A small
// renderer of its own (box-drawing borders, one row a line), linear in the rows, so that a 10,000-row
// sweep prints at once. It renders whatever columns columns.ts defines.
//
// Fitting a terminal (`width` set: a TTY's columns; off a TTY every column is shown): rank, trial,
// the swept parameters, the objective, the flags and a recommendation are always kept; the other
// columns are left out in DROP_ORDER (then any column this file does not know, last-defined first),
// until the table fits; then headers break onto two lines, parameters equal in every row go, and
// the flags (and recommendation) move to a line under their row, which may make room to bring
// back the last columns left out. A line under the table names what was left out and that --wide
// or --columns shows it.
import { InputError } from '../../errors.js';
import { didYouMean } from '../../spec/did-you-mean.js';
import { adviceLines, columns, leakageLine, metricColumn, reportedMetrics, summaryLine, type Column } from '../view/columns.js';
import type { Leaderboard, LeaderboardRow } from '../view/leaderboard.js';
import { wrapWords } from '../wrap.js';

export interface TableOptions {
  /** ANSI colours (a TTY, and no NO_COLOR). */
  color?: boolean;
  /** The terminal's width in columns: the table fits it. Undefined (off a TTY): every column. */
  width?: number;
  /** Every column, whatever the width (--wide). */
  wide?: boolean;
  /** Exactly these columns, by key or header (--columns a,b,c). */
  columns?: readonly string[];
  /** Rows shown when the leaderboard was not cut already (default DEFAULT_TOP); --all: every row. */
  top?: number;
  all?: boolean;
}

/** Rows the table shows by default; the rest are counted in a line under it. */
const DEFAULT_TOP = 20;

/** Columns left out first when the table is too wide, in this order (keys of columns.ts). */
export const DROP_ORDER = ['seconds', 'final_train_loss', 'gap', 'best_epoch', 'final_val_loss', 'status'] as const;

/** Kept whatever the width: what a reader needs to pick a trial. */
const KEEP = new Set(['rank', 'trial', 'flags', 'recommendation']);
/** Moved under their row when the table still does not fit. */
const UNDER = ['flags', 'recommendation'];

const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', green: '\u001b[32m', cyan: '\u001b[36m', grey: '\u001b[90m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };
type Colour = keyof typeof ANSI;

function paint(text: string, colour: Colour | undefined, on: boolean): string {
  return on && colour && text ? `${ANSI[colour]}${text}${ANSI.reset}` : text;
}

function statusColour(row: LeaderboardRow): Colour {
  if (row.status === 'completed') return 'green';
  if (row.status === 'failed' || row.status === 'diverged') return 'red';
  return 'dim';
}

function cellColour(c: Column, row: LeaderboardRow): Colour | undefined {
  if (c.key === 'status') return statusColour(row);
  if (c.key === 'flags') return row.flags.some((f) => f.name === 'diverged' || f.name === 'leakage') ? 'red' : 'yellow';
  if (c.key === 'rank' && row.rank === 1) return 'bold';
  return undefined;
}

/** Display width of a plain cell: its UTF-16 length, exact for the cells here (ASCII and a few
 * symbols of the Basic Multilingual Plane such as – and …), and cheap at 10,000 rows. */
function len(s: string): number {
  return s.length;
}

function pad(s: string, width: number, align: Column['align']): string {
  const fill = ' '.repeat(Math.max(0, width - len(s)));
  return align === 'right' ? fill + s : s + fill;
}

function isKept(c: Column, lb: Leaderboard): boolean {
  return KEEP.has(c.key) || lb.paramColumns.includes(c.key) || c.key === `best_${lb.objective.metric}`;
}

/** Total width of a table of these columns: "│ " + cells joined by " │ " + " │". */
function tableWidth(widths: readonly number[]): number {
  return widths.reduce((a, b) => a + b, 0) + 3 * widths.length + 1;
}

/** The columns asked for by key or header; a metric the trials reported is a column too (its value at the best evaluation). */
function pickColumns(all: readonly Column[], wanted: readonly string[], metrics: readonly string[]): Column[] {
  return wanted.map((w) => {
    const c = all.find((col) => col.key === w || col.header.toLowerCase() === w.toLowerCase());
    if (c) return c;
    if (metrics.includes(w)) return metricColumn(w);
    const keys = [...all.map((col) => col.key), ...metrics.filter((m) => !all.some((col) => col.key === m))];
    const hint = didYouMean(w, keys);
    throw new InputError(`--columns: unknown column ${JSON.stringify(w)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}; expected some of ${keys.join(', ')}`);
  });
}

interface Layout {
  shown: Column[];
  dropped: Column[];
  /** Columns printed on a line under each row instead of in it. */
  under: Column[];
  /** Headers broken onto two lines (at a space or underscore) to narrow their columns. */
  twoLine: boolean;
}

/** A header on one line, or on two at its first space (else its first underscore). */
function headerLines(header: string, twoLine: boolean): string[] {
  if (!twoLine) return [header];
  const at = header.indexOf(' ') >= 0 ? header.indexOf(' ') : header.indexOf('_');
  if (at <= 0 || at === header.length - 1) return [header];
  return header[at] === ' ' ? [header.slice(0, at), header.slice(at + 1)] : [header.slice(0, at + 1), header.slice(at + 1)];
}

/**
 * Which columns go in the table, which under the rows, which are left out, to fit `width`, in
 * steps that lose the least first: columns in DROP_ORDER; then two-line headers; then parameters
 * that are the same in every row (not swept here); then the flags move under their rows.
 */
function fitColumns(
  all: readonly Column[],
  lb: Leaderboard,
  cellWidth: (c: Column, twoLine: boolean) => number,
  width: number | undefined,
  constant: (c: Column) => boolean = () => false,
): Layout {
  let shown = [...all];
  let twoLine = false;
  const dropped: Column[] = [];
  const fits = (cols: readonly Column[]): boolean => width === undefined || tableWidth(cols.map((c) => cellWidth(c, twoLine))) <= width;
  const known = DROP_ORDER as readonly string[];
  // Columns this file does not know (another part of the reporter may add some) go after the
  // cheapest known ones and before the loss and status, last-defined first.
  const unknown = all.filter((c) => !isKept(c, lb) && !known.includes(c.key)).reverse();
  const order = [...known.slice(0, 4), ...unknown.map((c) => c.key), ...known.slice(4)];
  const drop = (c: Column): void => {
    shown = shown.filter((col) => col !== c);
    dropped.push(c);
  };
  for (const key of order) {
    if (fits(shown)) break;
    const c = shown.find((col) => col.key === key && !isKept(col, lb));
    if (c) drop(c);
  }
  if (!fits(shown)) twoLine = true;
  for (const c of [...shown].reverse()) {
    if (fits(shown)) break;
    if (lb.paramColumns.includes(c.key) && constant(c)) drop(c);
  }
  let under: Column[] = [];
  if (!fits(shown)) {
    under = shown.filter((c) => UNDER.includes(c.key));
    shown = shown.filter((c) => !UNDER.includes(c.key));
    // The flags' room may now hold one-line headers, then columns left out (the last left out first).
    twoLine = false;
    if (!fits(shown)) twoLine = true;
    for (const c of [...dropped].reverse()) {
      const back = all.filter((col) => shown.includes(col) || col === c);
      if (!fits(back)) break;
      shown = back;
      dropped.splice(dropped.indexOf(c), 1);
    }
  }
  return { shown, dropped, under, twoLine };
}

export function renderTable(lb: Leaderboard, opts: TableOptions = {}): string {
  const color = opts.color ?? false;
  const all = columns(lb);
  const limit = opts.all ? Infinity : (opts.top ?? DEFAULT_TOP);
  const rows = lb.rows.slice(0, limit);
  const more = lb.hidden + (lb.rows.length - rows.length);

  const chosen = opts.columns?.length ? pickColumns(all, opts.columns, reportedMetrics(lb)) : all;
  const cells = rows.map((r) => chosen.map((c) => c.cell(r)));
  const cellsWidth = new Map<Column, number>();
  chosen.forEach((c, i) => cellsWidth.set(c, Math.max(0, ...cells.map((row) => len(row[i])))));
  const widthOf = (c: Column, twoLine: boolean): number => Math.max(cellsWidth.get(c)!, ...headerLines(c.header, twoLine).map(len));
  const constant = (c: Column): boolean => new Set(cells.map((row) => row[chosen.indexOf(c)])).size <= 1;
  const fitTo = opts.wide || opts.columns?.length ? undefined : opts.width;
  const { shown, dropped, under, twoLine } = fitColumns(chosen, lb, widthOf, fitTo, constant);

  const widths = shown.map((c) => widthOf(c, twoLine));
  const border = (l: string, m: string, r: string): string => paint(`${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`, 'grey', color);
  const bar = paint('│', 'grey', color);
  const line = (parts: string[]): string => `${bar} ${parts.join(` ${bar} `)} ${bar}`;
  const inner = tableWidth(widths) - 4;
  const heads = shown.map((c) => headerLines(c.header, twoLine));
  const headRows = Math.max(1, ...heads.map((h) => h.length));
  const out: string[] = [border('┌', '┬', '┐')];
  for (let k = 0; k < headRows; k++) out.push(line(heads.map((h, i) => paint(pad(h[k] ?? '', widths[i], 'left'), 'cyan', color))));
  out.push(border('├', '┼', '┤'));
  const index = new Map(chosen.map((c, i) => [c, i]));
  rows.forEach((row, r) => {
    out.push(line(shown.map((c, i) => paint(pad(cells[r][index.get(c)!], widths[i], c.align), cellColour(c, row), color))));
    const below = under.map((c) => cells[r][index.get(c)!]).filter(Boolean).join(' · ');
    if (below) {
      const text = `↳ ${below}`;
      const shownText = len(text) > inner ? `${[...text].slice(0, inner - 1).join('')}…` : text;
      out.push(`${bar} ${paint(pad(shownText, inner, 'left'), under[0] && cellColour(under[0], row), color)} ${bar}`);
    }
  });
  out.push(border('└', '┴', '┘'));

  // Fitted to a terminal, the prose around the table wraps at word boundaries (the table itself is fitted above).
  const wrap = (l: string): string[] => (opts.width === undefined ? [l] : wrapWords(l, opts.width));
  const head = wrap(`Sweep ${lb.name ?? '(unnamed)'} — ${summaryLine(lb)}`);
  const leak = leakageLine(lb);
  if (leak) head.push(...wrap(leak).map((l) => paint(l, 'red', color)));
  const body = lb.rows.length > 0 ? out.join('\n') : '(no trials yet)';
  const tail: string[] = [];
  if (more > 0) tail.push(`… ${more} more (--top N, --all)`);
  if (dropped.length > 0) {
    const what = dropped.map((c) => (lb.paramColumns.includes(c.key) ? `${c.header} (${cells[0]?.[chosen.indexOf(c)] ?? ''} in every trial)` : c.header));
    tail.push(`left out to fit ${opts.width} columns: ${what.join(', ')} (--wide or --columns a,b,c shows them)`);
  }
  // The leaderboard's own "not shown" line is replaced by the one above.
  return [...head, body, ...[...tail, ...adviceLines({ ...lb, hidden: 0 })].flatMap(wrap)].join('\n') + '\n';
}
