// The frame of the x/y charts of the report and the dashboard (learning curves, the compare view, the lr plot, the Pareto plot), written
// as SVG directly: title and subtitle lines, a plot area with gridlines and axes (linear with nice
// ticks, log over whole decades, or ordinal bands), axis titles and a legend below. The marks are
// drawn by the caller in the frame's coordinates. Class names follow the ones vega wrote
// (mark-line, mark-symbol, mark-rule, mark-rect, mark-text), so pages and tests that pick marks out
// keep working. Every string is escaped here or by the caller (escape.ts).
import { escapeHtml as e } from '../escape.js';
import { fmtNum } from '../format.js';
import { niceTicks } from './scatter.js';

export const FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, sans-serif';

/** A coordinate to one decimal: smaller SVG, no visible difference. */
export const r1 = (x: number): string => String(Math.round(x * 10) / 10);

export interface Axis {
  title: string;
  /** Data value → 0..1 along the axis. */
  at: (v: number) => number;
  ticks: Array<{ v: number; label: string }>;
}

/** A linear axis over the values (not from zero), with nice ticks; the domain widened to them. */
export function linearAxis(title: string, values: readonly number[], format: (v: number) => string = (v) => fmtNum(v, 4)): Axis {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const t = niceTicks(lo, hi);
  const span = t.hi - t.lo || 1;
  return { title, at: (v) => (v - t.lo) / span, ticks: t.ticks.map((v) => ({ v, label: format(v) })) };
}

/**
 * Epochs 1..max exactly (no padding), whole-number ticks, at most ~8 of them. Evaluations within an
 * epoch (a fractional epoch, from trainers that evaluate every N steps) widen the axis down to the
 * first of them (`minEpoch`) and up to the last, so that every point of a curve lies on the plot.
 */
export function epochAxis(maxEpoch: number, minEpoch = 1): Axis {
  const lo = Math.min(1, minEpoch > 0 ? minEpoch : 1);
  const whole = Number.isInteger(maxEpoch);
  const max = whole ? Math.max(1, maxEpoch) : Math.max(lo, maxEpoch);
  const top = Math.max(1, Math.floor(max));
  const step = Math.max(1, Math.ceil((top - 1) / 8));
  const ticks: Array<{ v: number; label: string }> = [];
  for (let v = 1; v <= top; v += step) ticks.push({ v, label: String(v) });
  // A single epoch sits in the middle.
  return { title: 'epoch', at: (v) => (max > lo ? (v - lo) / (max - lo) : 0.5), ticks };
}

/** Optimizer steps from 0 to the last evaluation's, whole-number ticks (the step axis of learning curves). */
export function stepAxis(maxStep: number): Axis {
  const a = linearAxis('step', [0, Math.max(1, maxStep)], (v) => String(v));
  return { ...a, ticks: a.ticks.filter((t) => Number.isInteger(t.v)) };
}

/**
 * Epoch marks on a step axis: a faint dotted rule where each whole epoch ended, labelled "ep k"
 * at the foot of the plot left of the rule (the last one often sits on the right edge), so a reader of steps still sees the epochs.
 */
export function epochMarksSvg(f: Frame, marks: ReadonlyArray<{ epoch: number; step: number }>): string {
  if (marks.length === 0) return '';
  const bottom = f.top + f.height;
  const parts = marks.map((m) => {
    const x = r1(f.px(m.step));
    return `<line x1="${x}" y1="${r1(f.top)}" x2="${x}" y2="${r1(bottom)}" stroke="#94a3b8" stroke-dasharray="1,3"/><text x="${x}" y="${r1(bottom - 3)}" dx="-2" text-anchor="end">${e(`ep ${m.epoch}`)}</text>`;
  });
  return `<g class="epoch-marks" font-size="9" fill="#64748b">${parts.join('')}</g>`;
}

/** A log axis over whole decades around the (positive) values; ticks at `tickValues` (default: each decade). */
export function logAxis(title: string, values: readonly number[], format: (v: number) => string, tickValues?: readonly number[]): Axis {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    const l = Math.log10(v);
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const dlo = Math.floor(lo);
  const dhi = Math.max(Math.ceil(hi), dlo + 1);
  const decades = Array.from({ length: dhi - dlo + 1 }, (_, i) => 10 ** (dlo + i));
  const at = (v: number): number => (Math.log10(v) - dlo) / (dhi - dlo);
  let ticks = (tickValues ?? decades).filter((v) => v > 0);
  // At most ~8 labels: every k-th.
  const every = Math.max(1, Math.ceil(ticks.length / 8));
  ticks = ticks.filter((_, i) => i % every === 0);
  return { title, at, ticks: ticks.map((v) => ({ v, label: format(v) })) };
}

export interface LegendItem {
  label: string;
  colour: string;
  /** A stroke (a line's dash, '' solid) or a filled circle. */
  symbol: 'stroke' | 'circle' | 'square';
  dash?: string;
}

/** Where a chart's plot area lies, and a data point's place in it. */
export interface Frame {
  px: (v: number) => number;
  py: (v: number) => number;
  top: number;
  left: number;
  width: number;
  height: number;
}

export interface XyChart {
  /** The svg's class (one per kind of chart). */
  cls: string;
  title: string;
  subtitle: readonly string[];
  /** The plot area. */
  width: number;
  height: number;
  x: Axis;
  y: Axis;
  legend?: { title?: string; items: readonly LegendItem[] };
  /** The marks, drawn in the plot area's coordinates. */
  marks: (f: Frame) => string;
}

/** A filled circle as a path (as vega's symbols, which pages count as `.mark-symbol path`). */
export function dot(cx: number, cy: number, r: number): string {
  const d = r * 2;
  return `M${r1(cx - r)},${r1(cy)}a${r},${r} 0 1,0 ${d},0a${r},${r} 0 1,0 ${-d},0`;
}

/** Width in pixels a 10 px label takes, roughly (for margins). */
const textWidth = (s: string, size = 10): number => s.length * size * 0.6;

/** A legend in one or more rows of items; its SVG and its height. */
function legendSvg(x: number, y: number, maxWidth: number, legend: NonNullable<XyChart['legend']>): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  const parts: string[] = [];
  if (legend.title) {
    parts.push(`<text x="${r1(cx)}" y="${r1(cy + 9)}" font-weight="600" fill="#111827">${e(legend.title)}</text>`);
    cx += textWidth(legend.title) + 10;
  }
  for (const item of legend.items) {
    const w = 22 + textWidth(item.label) + 14;
    if (cx + w > x + maxWidth && cx > x) {
      cx = x;
      cy += 16;
    }
    const mark =
      item.symbol === 'stroke'
        ? `<line x1="${r1(cx)}" y1="${r1(cy + 5)}" x2="${r1(cx + 16)}" y2="${r1(cy + 5)}" stroke="${item.colour}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`
        : item.symbol === 'square'
          ? `<rect x="${r1(cx + 3)}" y="${r1(cy)}" width="10" height="10" fill="${item.colour}"/>`
          : `<circle cx="${r1(cx + 8)}" cy="${r1(cy + 5)}" r="4" fill="${item.colour}"/>`;
    parts.push(`${mark}<text x="${r1(cx + 22)}" y="${r1(cy + 9)}">${e(item.label)}</text>`);
    cx += w;
  }
  return { svg: `<g class="legend" font-size="10" fill="#374151">${parts.join('')}</g>`, height: cy - y + 14 };
}

/** The chart as an SVG string. */
export function xySvg(c: XyChart): string {
  const yLabelWidth = Math.max(0, ...c.y.ticks.map((t) => textWidth(t.label)));
  const left = Math.round(Math.max(40, yLabelWidth + 30));
  const top = 30 + 14 * c.subtitle.length;
  const px = (v: number): number => left + c.x.at(v) * c.width;
  const py = (v: number): number => top + (1 - c.y.at(v)) * c.height;
  const bottom = top + c.height;
  const legend = c.legend && c.legend.items.length ? legendSvg(left, bottom + 44, c.width, c.legend) : undefined;
  const width = Math.round(left + c.width + 16);
  const height = Math.round(bottom + 42 + (legend ? legend.height + 6 : 0));

  const yAxis = c.y.ticks
    .map((t) => {
      const y = r1(py(t.v));
      return `<line x1="${left}" y1="${y}" x2="${left + c.width}" y2="${y}" stroke="#f1f5f9"/><text x="${left - 6}" y="${y}" dy="3" text-anchor="end">${e(t.label)}</text>`;
    })
    .join('');
  const xAxis = c.x.ticks
    .map((t) => {
      const x = r1(px(t.v));
      return `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#f1f5f9"/><line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#9ca3af"/><text x="${x}" y="${bottom + 16}" text-anchor="middle">${e(t.label)}</text>`;
    })
    .join('');
  const subtitle = c.subtitle.map((s, i) => `<text class="subtitle" x="0" y="${30 + 14 * i}" font-size="11" fill="#6b7280">${e(s)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="${e(c.cls)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(c.title)}" font-family="${FONT}">
<rect width="${width}" height="${height}" fill="white"/>
<text class="title" x="0" y="14" font-size="13" font-weight="600" fill="#111827">${e(c.title)}</text>${subtitle}
<g class="axes" font-size="10" fill="#374151">${yAxis}${xAxis}<rect x="${left}" y="${top}" width="${c.width}" height="${c.height}" fill="none" stroke="#e5e7eb"/></g>
<text x="${r1(left + c.width / 2)}" y="${bottom + 34}" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">${e(c.x.title)}</text>
<text transform="translate(12,${r1(top + c.height / 2)}) rotate(-90)" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">${e(c.y.title)}</text>
${c.marks({ px, py, top, left, width: c.width, height: c.height })}
${legend ? legend.svg : ''}
</svg>`;
}
