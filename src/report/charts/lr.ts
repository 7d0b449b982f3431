// The HTML report's learning-rate charts, written as SVG directly: the best objective against the
// learning rate (log axis, one line per batch size, viridis as vega drew it), and the heatmap of the
// best objective over learning rate × batch size (vega's "blues", the best cells darkest). Every
// string is escaped.
import { escapeHtml as e } from '../escape.js';
import { fmtNum, fmtSci } from '../format.js';
import type { Leaderboard } from '../view/leaderboard.js';
import { viridis } from './parallel.js';
import { dot, FONT, linearAxis, logAxis, r1, xySvg } from './xy.js';

/** More distinct learning rates than this (a random search) are binned by decade in the lr plots. */
const LR_BINS_OVER = 12;

export interface Cell {
  lr: number;
  lrLabel: string;
  batch: string;
  batchNum: number;
  value: number;
  trial: string;
}

/**
 * The best objective per (learning rate, batch size), over the ranked trials: a running or failed
 * trial's best so far is not comparable with a finished one's.
 */
export function cells(lb: Leaderboard): Cell[] {
  const byKey = new Map<string, Cell>();
  const better = (a: number, b: number): boolean => (lb.objective.goal === 'minimize' ? a < b : a > b);
  const distinct = new Set<number>();
  for (const r of lb.rows) if (typeof r.params.learning_rate === 'number') distinct.add(r.params.learning_rate);
  const binned = distinct.size > LR_BINS_OVER;
  for (const r of lb.rows) {
    const raw = r.params.learning_rate;
    const bs = r.params.batch_size;
    if (r.rank === undefined || !r.best || typeof raw !== 'number' || !(raw > 0) || !Number.isFinite(raw)) continue;
    // Binned: the decade the rate falls in (1e-4 holds [1e-4, 1e-3)).
    const lr = binned ? 10 ** Math.floor(Math.log10(raw)) : raw;
    const key = `${lr}\u0000${String(bs)}`;
    const prev = byKey.get(key);
    if (!prev || better(r.best.value, prev.value)) {
      byKey.set(key, { lr, lrLabel: fmtSci(lr), batch: String(bs), batchNum: typeof bs === 'number' ? bs : 0, value: r.best.value, trial: r.id });
    }
  }
  return [...byKey.values()].sort((a, b) => a.batchNum - b.batchNum || a.lr - b.lr);
}

/** The batch sizes in order (numbers rising), as the legend and the heatmap's rows list them. */
function batches(data: readonly Cell[]): string[] {
  const seen = new Map<string, number>();
  for (const c of data) if (!seen.has(c.batch)) seen.set(c.batch, c.batchNum);
  return [...seen.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([b]) => b);
}

/** The best objective against the learning rate (log axis), one line per batch size. */
export function lrSvg(lb: Leaderboard): string | undefined {
  const data = cells(lb);
  if (data.length === 0) return undefined;
  const metric = lb.objective.metric;
  const lrs = [...new Set(data.map((c) => c.lr))].sort((a, b) => a - b);
  const groups = batches(data);
  // Ordinal viridis: n evenly spaced samples of the scheme, as vega's ordinal scale takes them.
  const colour = new Map(groups.map((b, i) => [b, viridis(groups.length > 1 ? i / (groups.length - 1) : 0)]));
  return xySvg({
    cls: 'lr',
    title: `Best ${metric} against learning rate`,
    subtitle: [`${lb.objective.goal === 'minimize' ? 'lower' : 'higher'} is better; one line per batch size`],
    width: 420,
    height: 240,
    x: logAxis('learning rate (log)', lrs, (v) => fmtSci(v, 0), lrs),
    y: linearAxis(`best ${metric}`, data.map((c) => c.value)),
    legend: { title: 'batch size', items: groups.map((b) => ({ label: b, colour: colour.get(b)!, symbol: 'circle' })) },
    marks: ({ px, py }) => {
      const lines = groups
        .map((b) => {
          const pts = data.filter((c) => c.batch === b).sort((p, q) => p.lr - q.lr);
          const d = pts.map((c, i) => `${i ? 'L' : 'M'}${r1(px(c.lr))},${r1(py(c.value))}`).join('');
          return `<path d="${d}" stroke="${colour.get(b)}"/>`;
        })
        .join('');
      const symbols = data.map((c) => `<path d="${dot(px(c.lr), py(c.value), 4.4)}" fill="${colour.get(c.batch)}"><title>${e(`lr ${c.lrLabel}, batch ${c.batch}: ${fmtNum(c.value)} (${c.trial})`)}</title></path>`).join('');
      return `<g class="mark-line" fill="none" stroke-width="2">${lines}</g>
<g class="mark-symbol">${symbols}</g>`;
    },
  });
}

/** vega's "blues" scheme, its stops from light to dark. */
const BLUES = ['cfe1f2', 'bed8ec', 'a8cee5', '8fc1de', '74b2d7', '5ba3cf', '4592c6', '3181bd', '206fb2', '125ca4', '0a4a90'].map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));

export function blues(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - i;
  const c = (k: number): number => Math.round(BLUES[i][k] + (BLUES[i + 1][k] - BLUES[i][k]) * f);
  return `rgb(${c(0)},${c(1)},${c(2)})`;
}

/** Heatmap of the best objective over learning rate × batch size, the best cells darkest. */
export function heatmapSvg(lb: Leaderboard): string | undefined {
  const data = cells(lb);
  if (data.length === 0) return undefined;
  const metric = lb.objective.metric;
  const lrs = [...new Set(data.map((c) => c.lr))].sort((a, b) => a - b).map(fmtSci);
  const rows = batches(data);
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of data) {
    if (c.value < lo) lo = c.value;
    if (c.value > hi) hi = c.value;
  }
  const darkIsLow = lb.objective.goal === 'minimize';
  // 0 = lightest, 1 = darkest: the better end dark.
  const shade = (v: number): number => {
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return darkIsLow ? 1 - t : t;
  };
  const W = Math.max(200, 80 * lrs.length);
  const H = Math.max(96, 48 * rows.length);
  const left = 64;
  const top = 44;
  const cw = W / lrs.length;
  const ch = H / rows.length;
  const col = new Map(lrs.map((l, i) => [l, i]));
  const row = new Map(rows.map((b, i) => [b, i]));
  const rects = data
    .map((c) => {
      const x = left + col.get(c.lrLabel)! * cw;
      const y = top + row.get(c.batch)! * ch;
      return `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(cw)}" height="${r1(ch)}" fill="${blues(shade(c.value))}"><title>${e(`lr ${c.lrLabel}, batch ${c.batch}: ${fmtNum(c.value)} (${c.trial})`)}</title></rect>`;
    })
    .join('');
  // The value in each cell, white on the darker half.
  const texts = data
    .map((c) => {
      const x = left + (col.get(c.lrLabel)! + 0.5) * cw;
      const y = top + (row.get(c.batch)! + 0.5) * ch;
      return `<text x="${r1(x)}" y="${r1(y)}" dy="4" fill="${shade(c.value) > 0.5 ? 'white' : '#111827'}">${e(fmtNum(c.value, 3))}</text>`;
    })
    .join('');
  const xLabels = lrs.map((l, i) => `<text x="${r1(left + (i + 0.5) * cw)}" y="${r1(top + H + 15)}" text-anchor="middle">${e(l)}</text>`).join('');
  const yLabels = rows.map((b, i) => `<text x="${left - 6}" y="${r1(top + (i + 0.5) * ch)}" dy="3" text-anchor="end">${e(b)}</text>`).join('');
  // The legend, as the parallel plot's: its title, ten steps from the lightest to the darkest, the end values below.
  const ly = top + H + 50;
  const steps = Array.from({ length: 10 }, (_, i) => `<rect x="${left + i * 16}" y="${ly + 6}" width="16" height="10" fill="${blues((i + 0.5) / 10)}"/>`).join('');
  const [lightEnd, darkEnd] = darkIsLow ? [hi, lo] : [lo, hi];
  const legend = `<g class="legend" font-size="10" fill="#374151"><text x="${left}" y="${ly}" font-weight="600" fill="#111827">${e(metric)}</text>${steps}<text x="${left}" y="${ly + 28}">${e(fmtNum(lightEnd, 3))}</text><text x="${left + 160}" y="${ly + 28}" text-anchor="end">${e(fmtNum(darkEnd, 3))}</text></g>`;
  const width = Math.round(left + W + 16);
  const height = Math.round(ly + 36);
  const title = `Best ${metric}: learning rate × batch size`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(title)}" font-family="${FONT}">
<rect width="${width}" height="${height}" fill="white"/>
<text class="title" x="0" y="14" font-size="13" font-weight="600" fill="#111827">${e(title)}</text><text class="subtitle" x="0" y="30" font-size="11" fill="#6b7280">darker is better</text>
<g class="mark-rect" stroke="white" stroke-width="2">${rects}</g>
<g class="mark-text" font-size="11" font-weight="600" text-anchor="middle">${texts}</g>
<g class="axes" font-size="10" fill="#374151">${xLabels}${yLabels}</g>
<text x="${r1(left + W / 2)}" y="${top + H + 32}" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">learning rate</text>
<text transform="translate(12,${r1(top + H / 2)}) rotate(-90)" text-anchor="middle" font-size="11" font-weight="600" fill="#111827">batch size</text>
${legend}
</svg>`;
}
