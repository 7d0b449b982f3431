// The HTML report's plots (and the dashboard's sweep page), every one written as SVG on the one
// chart kit (xy.ts): learning curves (curve.ts), the lr plot and heatmap (lr.ts), parallel
// coordinates (parallel.ts), the slices (scatter.ts) and the Pareto plot (here). Every string from a
// spec, dataset or trial is escaped (escape.ts; tests/report/html.test.ts checks it in a browser).
import { curveSvg } from './curve.js';
import { fmtNum } from '../format.js';
import type { Leaderboard, LeaderboardRow } from '../view/leaderboard.js';
import { heatmapSvg, lrSvg } from './lr.js';
import { parallelSvg } from './parallel.js';
import { scatterSvg } from './scatter.js';
import { escapeHtml as e } from '../escape.js';
import { dot, linearAxis, r1, xySvg } from './xy.js';

/** At most this many trials are drawn in the all-trials plots; beyond it a sample, said on the page. */
const PLOT_TRIALS = 1000;
const PLOT_TOP = 100;

/**
 * The rows the all-trials plots draw: every ranked trial up to PLOT_TRIALS; beyond it the top
 * PLOT_TOP and an even sample (every k-th by rank) of the rest, so the page stays small and quick.
 */
function plotSample(lb: Leaderboard): { rows: LeaderboardRow[]; of: number; note?: string } {
  const ranked = lb.rows.filter((r) => r.rank !== undefined && r.best && Number.isFinite(r.best.value));
  if (ranked.length <= PLOT_TRIALS) return { rows: ranked, of: ranked.length };
  const rest = ranked.slice(PLOT_TOP);
  const k = rest.length / (PLOT_TRIALS - PLOT_TOP);
  const sample = Array.from({ length: PLOT_TRIALS - PLOT_TOP }, (_, i) => rest[Math.floor(i * k)]);
  return {
    rows: [...ranked.slice(0, PLOT_TOP), ...sample],
    of: ranked.length,
    note: `The plots of all trials show ${PLOT_TRIALS.toLocaleString('en-US')} of the ${ranked.length.toLocaleString('en-US')} ranked trials: the top ${PLOT_TOP} and an even sample of the rest (every ${k.toFixed(1)}th by rank).`,
  };
}

/** A parameter's value on a plot axis: numbers as they are (learning rate on a log axis), others as labels. */
const axisValue = (v: unknown): number | string | undefined => (typeof v === 'number' ? (Number.isFinite(v) ? v : undefined) : v === undefined ? undefined : String(v));

/** Numbers ascending, then other values by their text. */
function naturalOrder(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b));
}

/**
 * One point per pixel: of the points that would land on the same pixel of a `width` × `height`
 * plot (over the data's own range, which a nice axis domain only widens), the first is kept — the
 * best ranked, as the rows come in rank order. Nothing visible is lost, and the page draws (and
 * carries) a few hundred symbols instead of a thousand at 10,000 trials.
 */
export function onePerPixel<T>(points: readonly T[], x: (p: T) => number | string, y: (p: T) => number, width: number, height: number, key: (p: T) => string = () => ''): T[] {
  const span = (vs: number[]): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of vs) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi > lo ? hi - lo : 1];
  };
  const xs = points.map(x);
  const numeric = xs.every((v) => typeof v === 'number');
  const [xlo, xw] = numeric ? span(xs as number[]) : [0, 1];
  const [ylo, yw] = span(points.map(y));
  const seen = new Set<string>();
  return points.filter((p, i) => {
    const px = numeric ? Math.round((((xs[i] as number) - xlo) / xw) * width) : xs[i];
    const cell = `${px}\u0000${Math.round(((y(p) - ylo) / yw) * height)}\u0000${key(p)}`;
    if (seen.has(cell)) return false;
    seen.add(cell);
    return true;
  });
}

/** Objective against each swept parameter, one small scatter per parameter (the learning rate on a log axis). */
export function slicePlots(lb: Leaderboard, rows: readonly LeaderboardRow[]): Array<{ name: string; svg: string; merged: number }> {
  const metric = lb.objective.metric;
  return lb.paramColumns.flatMap((name) => {
    const all = rows.flatMap((r) => {
      const v = axisValue(r.params[name]);
      if (v === undefined || (name === 'learning_rate' && !(typeof v === 'number' && v > 0))) return [];
      return [{ x: v, y: r.best!.value }];
    });
    if (all.length < 2) return [];
    const log = name === 'learning_rate';
    const points = onePerPixel(all, (p) => (typeof p.x === 'number' && log ? Math.log10(p.x) : p.x), (p) => p.y, 240, 160);
    const numeric = points.every((p) => typeof p.x === 'number');
    // A parameter with numbers and words (shots: 8, 32, 128, "all") is drawn in its natural order,
    // numbers rising then words, so that the data-quantity curve reads left to right.
    const order = numeric ? undefined : [...new Set(points.map((p) => p.x))].sort(naturalOrder).map(String);
    const svg = scatterSvg({
      title: `${metric} vs ${name}`,
      xTitle: log ? `${name} (log)` : name,
      yTitle: `best ${metric}`,
      points,
      x: numeric ? (log ? 'log' : 'linear') : 'ordinal',
      ...(order ? { order } : {}),
    });
    return [{ name, svg, merged: all.length - points.length }];
  });
}

/** The Pareto plot: every trial on the two metrics, the front joined and marked; and how many dominated points one per pixel left out. */
function paretoPlot(lb: Leaderboard, rows: readonly LeaderboardRow[]): { svg: string; merged: number } | undefined {
  const p = lb.pareto;
  if (!p) return undefined;
  const [a, b] = p.metrics;
  const valueOf = (r: LeaderboardRow, metric: string): number | undefined => {
    if (metric === 'forgetting') return r.forgettingRise;
    if (metric === 'seconds') return r.seconds;
    if (metric === lb.objective.metric) return r.best?.value;
    const c = r.best ? r.curve.find((x) => x.epoch === r.best!.epoch) : undefined;
    const v = c?.[metric as keyof typeof c];
    return typeof v === 'number' ? v : undefined;
  };
  const all = rows.flatMap((r) => {
    const x = valueOf(r, a.metric);
    const y = valueOf(r, b.metric);
    return x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) ? [{ x, y, trial: r.id, front: r.paretoRank === 1 }] : [];
  });
  if (all.length < 2) return undefined;
  // The front is drawn whole; the dominated points one per pixel.
  const points = onePerPixel(all, (q) => q.x, (q) => q.y, 420, 260, (q) => (q.front ? q.trial : ''));
  const front = points.filter((q) => q.front).sort((q, w) => q.x - w.x);
  const label = (m: string): string => (m === 'forgetting' ? 'general-text perplexity rise' : m === 'seconds' ? 'wall time (s)' : m);
  const pct = (v: number): string => `${fmtNum(v * 100, 3)}%`;
  const GREEN = '#16a34a';
  const GREY = '#9ca3af';
  const svg = xySvg({
    cls: 'pareto',
    title: `Pareto front: ${a.metric} vs ${b.metric}`,
    subtitle: [p.ranks ? 'the ranking: Pareto rank, then the first metric' : 'the trade-off: trials off the front scored no better and forgot more'],
    width: 420,
    height: 260,
    x: linearAxis(`${label(a.metric)} (${a.goal})`, points.map((q) => q.x)),
    y: linearAxis(`${label(b.metric)} (${b.goal})`, points.map((q) => q.y), b.metric === 'forgetting' ? pct : undefined),
    legend: { items: [{ label: 'on the front', colour: GREEN, symbol: 'circle' }, { label: 'dominated', colour: GREY, symbol: 'circle' }] },
    marks: ({ px, py }) => {
      // The front as a step line (each point's second metric holds until the next one's first).
      const d = front.map((q, i) => (i ? `H${r1(px(q.x))}V${r1(py(q.y))}` : `M${r1(px(q.x))},${r1(py(q.y))}`)).join('');
      // Dominated points first, so that the front's are drawn on top.
      const sym = (q: (typeof points)[number]): string =>
        `<path d="${dot(px(q.x), py(q.y), 4)}" fill="${q.front ? GREEN : GREY}"><title>${e(`${q.trial}: ${a.metric} ${fmtNum(q.x)}, ${b.metric} ${fmtNum(q.y)}`)}</title></path>`;
      const symbols = [...points.filter((q) => !q.front), ...front].map(sym).join('');
      return `<g class="mark-line" fill="none" stroke="${GREEN}" stroke-width="2">${front.length > 1 ? `<path d="${d}"/>` : ''}</g>
<g class="mark-symbol">${symbols}</g>`;
    },
  });
  return { svg, merged: all.length - points.length };
}

export interface ReportCharts {
  curves: Array<{ id: string; svg: string }>;
  lr?: string;
  heatmap?: string;
  parallel?: string;
  slices: Array<{ name: string; svg: string }>;
  pareto?: string;
  /** Said on the page when the all-trials plots draw a sample. */
  sampleNote?: string;
}

/** How many trials get learning curves in the report. */
const CURVE_TRIALS = 6;

export async function renderCharts(lb: Leaderboard): Promise<ReportCharts> {
  const withCurves = lb.rows.filter((r) => r.curve.length > 0).slice(0, CURVE_TRIALS);
  const curves = withCurves.map((r) => ({ id: r.id, svg: curveSvg(r, lb) }));
  const sample = plotSample(lb);
  const parSvg = parallelSvg(lb, sample.rows);
  const pareto = paretoPlot(lb, sample.rows);
  const sliced = slicePlots(lb, sample.rows);
  const slices = sliced.map((x) => ({ name: x.name, svg: x.svg }));
  // What the page must say it left out: the sample, and the points drawn once per pixel.
  const merged = sliced.reduce((n, x) => n + x.merged, 0) + (pareto?.merged ?? 0);
  const pixelNote = merged > 0 ? `In the slice and Pareto plots, trials that fall on the same pixel are drawn once (${merged.toLocaleString('en-US')} points left out).` : '';
  const note = [sample.note, pixelNote].filter(Boolean).join(' ');
  return { curves, lr: lrSvg(lb), heatmap: heatmapSvg(lb), parallel: parSvg, slices, pareto: pareto?.svg, ...(note ? { sampleNote: note } : {}) };
}
