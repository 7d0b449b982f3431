// A small scatter plot written as SVG directly: the HTML report's objective-vs-parameter slices.
// One pass over the points. Axes: linear (nice ticks), log (decades) or ordinal (one column a value,
// in the order given). Every string is escaped.
import { escapeHtml as e } from '../escape.js';
import { fmtNum, fmtSci } from '../format.js';

const FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, sans-serif';

export interface ScatterOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  points: ReadonlyArray<{ x: number | string; y: number }>;
  x: 'linear' | 'log' | 'ordinal';
  /** The ordinal axis's values, left to right. */
  order?: readonly string[];
  width?: number;
  height?: number;
}

/** Round, evenly spaced ticks over [lo, hi] (about `count`), and the domain widened to them. */
export function niceTicks(lo: number, hi: number, count = 5): { ticks: number[]; lo: number; hi: number } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { ticks: [], lo: 0, hi: 1 };
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / count;
  if (!Number.isFinite(raw) || raw === 0) return { ticks: [lo, hi], lo, hi };
  const pow = 10 ** Math.floor(Math.log10(raw));
  const err = raw / pow;
  const step = (err >= 7.07 ? 10 : err >= 3.16 ? 5 : err >= 1.41 ? 2 : 1) * pow;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  // Too many steps (a step lost to rounding on a huge range): the two ends only.
  if (!(last - first <= 50) || !(step > 0)) return { ticks: [lo, hi], lo, hi };
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { ticks, lo: ticks[0], hi: ticks.at(-1)! };
}

const r1 = (x: number): string => String(Math.round(x * 10) / 10);

export function scatterSvg(o: ScatterOptions): string {
  const W = o.width ?? 240;
  const H = o.height ?? 160;
  const left = 56;
  const top = 30;
  const width = left + W + 16;
  const height = top + H + 44;
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const p of o.points) {
    if (p.y < ylo) ylo = p.y;
    if (p.y > yhi) yhi = p.y;
  }
  const yt = niceTicks(ylo, yhi);
  const yAt = (v: number): number => top + H - ((v - yt.lo) / (yt.hi - yt.lo || 1)) * H;

  let xAt: (v: number | string) => number;
  let xTicks: Array<{ at: number; label: string }>;
  if (o.x === 'ordinal') {
    const order = o.order ?? [...new Set(o.points.map((p) => String(p.x)))];
    const index = new Map(order.map((v, i) => [v, i]));
    const step = W / Math.max(1, order.length);
    xAt = (v) => left + ((index.get(String(v)) ?? 0) + 0.5) * step;
    xTicks = order.map((v, i) => ({ at: left + (i + 0.5) * step, label: v }));
  } else {
    const log = o.x === 'log';
    const pos = (v: number): number => (log ? Math.log10(v) : v);
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of o.points) {
      const v = pos(p.x as number);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // Log: whole decades around the data; linear: nice ticks.
    const t = log ? { lo: Math.floor(lo), hi: Math.max(Math.ceil(hi), Math.floor(lo) + 1) } : niceTicks(lo, hi);
    const ticks = log ? Array.from({ length: t.hi - t.lo + 1 }, (_, i) => t.lo + i) : (t as { ticks: number[] }).ticks;
    // At most ~6 labels on a log axis: every k-th decade.
    const every = log ? Math.max(1, Math.ceil(ticks.length / 6)) : 1;
    const scale = (v: number): number => left + ((v - t.lo) / (t.hi - t.lo || 1)) * W;
    xAt = (v) => scale(pos(v as number));
    xTicks = ticks.filter((_, i) => i % every === 0).map((v) => ({ at: scale(v), label: log ? fmtSci(10 ** v, 0) : fmtNum(v, 4) }));
  }

  const circles = o.points.map((p) => `<circle cx="${r1(xAt(p.x))}" cy="${r1(yAt(p.y))}" r="3"/>`).join('');
  const yAxis = yt.ticks
    .map((v) => {
      const y = r1(yAt(v));
      return `<line x1="${left}" y1="${y}" x2="${left + W}" y2="${y}" stroke="#f1f5f9"/><text x="${left - 5}" y="${y}" dy="3" text-anchor="end">${e(fmtNum(v, 4))}</text>`;
    })
    .join('');
  const xAxis = xTicks
    .map((t) => `<line x1="${r1(t.at)}" y1="${top + H}" x2="${r1(t.at)}" y2="${top + H + 4}" stroke="#9ca3af"/><text x="${r1(t.at)}" y="${top + H + 15}" text-anchor="middle">${e(t.label)}</text>`)
    .join('');
  // The title is written last: a reader of the figure's text (and the Chromium test) ends on it.
  return `<svg xmlns="http://www.w3.org/2000/svg" class="scatter" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(o.title)}" font-family="${FONT}">
<rect width="${width}" height="${height}" fill="white"/>
<g class="axes" font-size="10" fill="#374151">${yAxis}${xAxis}<rect x="${left}" y="${top}" width="${W}" height="${H}" fill="none" stroke="#e5e7eb"/></g>
<text x="${left + W / 2}" y="${top + H + 34}" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">${e(o.xTitle)}</text>
<text transform="translate(14,${top + H / 2}) rotate(-90)" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">${e(o.yTitle)}</text>
<g class="points" fill="#2563eb" fill-opacity="0.6">${circles}</g>
<text class="title" x="0" y="14" font-size="13" font-weight="600" fill="#111827">${e(o.title)}</text></svg>`;
}
