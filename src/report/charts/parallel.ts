// The parallel-coordinates plot of all trials, written as SVG directly: one polyline per trial
// across every numeric swept parameter and the objective, in one pass over the rows. Every string
// (parameter names, trial ids, the metric) is escaped.
import { escapeHtml as e } from '../escape.js';
import { fmtNum, fmtSci } from '../format.js';
import type { Leaderboard, LeaderboardRow } from '../view/leaderboard.js';

const FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, sans-serif';

/** vega's "viridis" scheme sampled at 0, 0.1, …, 1 (interpolated linearly between stops). */
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84], [72, 37, 117], [65, 68, 135], [53, 96, 141], [42, 120, 142], [33, 145, 141],
  [34, 168, 132], [67, 191, 113], [122, 209, 81], [188, 223, 39], [253, 231, 37],
];

export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  const c = (k: number): number => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${c(0)},${c(1)},${c(2)})`;
}

/** The axes drawn: every swept parameter with a number in some row, then the objective. */
function parallelAxes(lb: Leaderboard, rows: readonly LeaderboardRow[]): string[] {
  return lb.paramColumns.filter((p) => rows.some((r) => typeof r.params[p] === 'number'));
}

const r1 = (x: number): string => String(Math.round(x * 10) / 10);

/** The plot as an SVG string; undefined with fewer than two rows or no numeric parameter. */
export function parallelSvg(lb: Leaderboard, rows: readonly LeaderboardRow[]): string | undefined {
  const metric = lb.objective.metric;
  const axes = parallelAxes(lb, rows);
  if (rows.length < 2 || axes.length === 0) return undefined;
  const names = [...axes, metric];
  // The learning rate on a log axis, as everywhere else in the report.
  const isLog = (name: string): boolean => name === 'learning_rate';
  const last = names.length - 1;
  // The value on axis i: a parameter, or (the last axis) the best objective.
  const raw = (r: LeaderboardRow, i: number): number | undefined => {
    const v = i === last ? r.best?.value : r.params[names[i]];
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    if (i !== last && isLog(names[i])) return v > 0 ? Math.log10(v) : undefined;
    return v;
  };
  const bounds = names.map((_, i) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      const v = raw(r, i);
      if (v === undefined) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi] as const;
  });

  const plotW = Math.max(420, 110 * names.length);
  const plotH = 260;
  const left = 24;
  const top = 56;
  const width = left * 2 + plotW;
  const height = top + plotH + 92;
  const step = plotW / names.length;
  const xAt = (i: number): number => left + (i + 0.5) * step;
  const yAt = (at: number): number => top + (1 - at) * plotH;
  const scaled = (i: number, v: number): number => {
    const [lo, hi] = bounds[i];
    return hi > lo ? (v - lo) / (hi - lo) : 0.5;
  };
  const [vlo, vhi] = bounds[last];
  const maximize = lb.objective.goal === 'maximize';
  // The best trials darkest (viridis reversed when higher is better), as the other plots colour them.
  const colourOf = (v: number): string => viridis(maximize ? 1 - scaled(last, v) : scaled(last, v));

  const lines: string[] = [];
  // Worst first, so that the best trials are drawn on top.
  for (let k = rows.length - 1; k >= 0; k--) {
    const r = rows[k];
    const value = r.best?.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    let d = '';
    names.forEach((_, i) => {
      const v = raw(r, i);
      if (v === undefined) return;
      d += `${d ? 'L' : 'M'}${r1(xAt(i))},${r1(yAt(scaled(i, v)))}`;
    });
    if (d) lines.push(`<path d="${d}" stroke="${colourOf(value)}"><title>${e(r.id)}</title></path>`);
  }

  const label = (i: number, v: number): string => (i !== last && isLog(names[i]) ? fmtSci(10 ** v, 1) : fmtNum(v, 3));
  const axisMarks = names
    .map((name, i) => {
      const x = r1(xAt(i));
      const [lo, hi] = bounds[i];
      const title = i !== last && isLog(name) ? `${name} (log)` : name;
      const ends = Number.isFinite(lo) ? `<text x="${x}" y="${top - 6}" text-anchor="middle">${e(label(i, hi))}</text><text x="${x}" y="${top + plotH + 14}" text-anchor="middle">${e(label(i, lo))}</text>` : '';
      return `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#cbd5e1"/>${ends}<text class="axis-title" x="${x}" y="${top + plotH + 32}" text-anchor="middle" font-weight="600" fill="#111827">${e(title)}</text>`;
    })
    .join('');

  // The colour legend: ten steps from the best colour to the worst, with the end values.
  const lx = left;
  const ly = top + plotH + 52;
  const swatches = Array.from({ length: 10 }, (_, i) => `<rect x="${lx + i * 16}" y="${ly + 6}" width="16" height="10" fill="${viridis((i + 0.5) / 10)}"/>`).join('');
  const [bestEnd, worstEnd] = maximize ? [vhi, vlo] : [vlo, vhi];
  const legend = Number.isFinite(vlo)
    ? `<g class="legend" font-size="10" fill="#374151"><text x="${lx}" y="${ly}" font-weight="600" fill="#111827">best ${e(metric)}</text>${swatches}<text x="${lx}" y="${ly + 28}">${e(fmtNum(bestEnd, 3))}</text><text x="${lx + 160}" y="${ly + 28}" text-anchor="end">${e(fmtNum(worstEnd, 3))}</text></g>`
    : '';

  return `<svg xmlns="http://www.w3.org/2000/svg" class="parallel" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(`Parallel coordinates of ${rows.length} trials`)}" font-family="${FONT}">
<rect width="${width}" height="${height}" fill="white"/>
<text class="title" x="${left}" y="18" font-size="13" font-weight="600" fill="#111827">All trials: parameters and objective</text>
<text class="subtitle" x="${left}" y="34" font-size="11" fill="#6b7280">one line per trial, each axis from its minimum (bottom) to its maximum (top)</text>
<g class="axes" font-size="10" fill="#374151">${axisMarks}</g>
<g class="lines" fill="none" stroke-width="1" stroke-opacity="0.5">
${lines.join('\n')}
</g>
${legend}
</svg>`;
}
