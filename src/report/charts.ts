// The HTML report's plots: vega-lite specs compiled to SVG by vega in Node (no browser, no network).
// Every string from a spec, dataset or trial goes in as data or a title; vega escapes text and
// attributes in the SVG it writes (tests/report/html.test.ts checks it in a browser).
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { fmtNum, fmtParam, fmtSci } from './format.js';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';
import { parallelSvg } from './parallel.js';
import { scatterSvg } from './scatter.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: '#e5e7eb' },
  axis: { labelColor: '#374151', titleColor: '#111827', gridColor: '#f1f5f9', domainColor: '#9ca3af', tickColor: '#9ca3af', titleFontWeight: 600 },
  legend: { labelColor: '#374151', titleColor: '#111827', orient: 'bottom' as const },
  title: { anchor: 'start' as const, fontSize: 13, fontWeight: 600, color: '#111827', subtitleColor: '#6b7280' },
};

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Learning curves of one trial: train and val loss per epoch, with its flags drawn where they fire. */
export function curveSpec(row: LeaderboardRow, lb: Leaderboard): TopLevelSpec {
  const points = row.curve.flatMap((e) => [
    ...(finite(e.train_loss) ? [{ epoch: e.epoch, loss: e.train_loss, series: 'train loss' }] : []),
    ...(finite(e.val_loss) ? [{ epoch: e.epoch, loss: e.val_loss, series: 'val loss' }] : []),
  ]);
  const maxEpoch = Math.max(1, ...row.curve.map((e) => e.epoch));
  // Overfitting and divergence are drawn as a red rule where they begin; still-improving as a blue
  // note at the last epoch (nothing went wrong there).
  const rules = row.flags
    .filter((f) => f.epoch !== undefined && (f.name === 'overfitting' || f.name === 'diverged'))
    .map((f) => {
      const blewUp = row.curve.some((e) => e.epoch === f.epoch && (!finite(e.train_loss) || !finite(e.val_loss)));
      const label = f.name === 'overfitting' ? `overfitting from epoch ${f.epoch}` : `diverged ${blewUp ? 'at' : 'after'} epoch ${f.epoch}`;
      return { epoch: f.epoch!, label };
    });
  const notes = row.flags.filter((f) => f.name === 'still_improving' && f.epoch !== undefined).map((f) => ({ epoch: f.epoch!, label: 'still improving' }));
  const best = row.best ? [{ epoch: row.best.epoch, label: `best ${lb.objective.metric} ${fmtNum(row.best.value)}` }] : [];
  const params = subtitleLines(lb.paramColumns.map((p) => `${p} ${clip(fmtParam(p, row.params[p]), 24)}`));
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', scale: { domain: [1, maxEpoch], nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const layers = [
      {
        data: { values: points },
        mark: { type: 'line', point: { size: 28 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['train loss', 'val loss'], range: ['#2563eb', '#f97316'] }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2 } },
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['train loss', 'val loss'], range: [[4, 3], [1, 0]] } },
        },
      },
      {
        data: { values: best },
        mark: { type: 'rule', color: '#16a34a', strokeDash: [2, 2], opacity: 0.7 },
        encoding: { x },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', color: '#dc2626', strokeWidth: 2 },
        encoding: { x },
      },
      {
        data: { values: rules.filter((r) => r.epoch < maxEpoch) },
        mark: { type: 'text', color: '#dc2626', align: 'left', dx: 4, y: 8, fontSize: 10, fontWeight: 600 },
        encoding: { x, text: { field: 'label' } },
      },
      {
        data: { values: rules.filter((r) => r.epoch >= maxEpoch) },
        mark: { type: 'text', color: '#dc2626', align: 'right', dx: -4, y: 8, fontSize: 10, fontWeight: 600 },
        encoding: { x, text: { field: 'label' } },
      },
      {
        data: { values: notes },
        mark: { type: 'text', color: '#0369a1', align: 'right', dx: -4, y: 8, fontSize: 10, fontWeight: 600 },
        encoding: { x, text: { field: 'label' } },
      },
    ];
  return {
    width: 300,
    height: 170,
    title: { text: `${row.rank !== undefined ? `#${row.rank} ` : ''}${row.id} (${row.status.replace('_', ' ')})`, subtitle: params },
    // A layer without data draws nothing but costs vega a dataflow of its own: left out (the
    // curves, the first layer, always stay).
    layer: layers.filter((l, i) => i === 0 || l.data.values.length > 0),
  } as TopLevelSpec;
}

/** Cuts a long value with an ellipsis. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Parameters as subtitle lines of at most ~34 characters: one long line would widen the chart, and
 * the page would then shrink it to fit.
 */
function subtitleLines(parts: string[], width = 34): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + part.length <= width) lines[lines.length - 1] = `${last} · ${part}`;
    else lines.push(part);
  }
  return lines;
}

interface Cell {
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
/** More distinct learning rates than this (a random search) are binned by decade in the lr plots. */
export const LR_BINS_OVER = 12;

function cells(lb: Leaderboard): Cell[] {
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

/** The best objective against the learning rate (log axis), one line per batch size. */
export function lrSpec(lb: Leaderboard): TopLevelSpec | undefined {
  const data = cells(lb);
  if (data.length === 0) return undefined;
  const metric = lb.objective.metric;
  return {
    width: 420,
    height: 240,
    title: { text: `Best ${metric} against learning rate`, subtitle: `${lb.objective.goal === 'minimize' ? 'lower' : 'higher'} is better; one line per batch size` },
    data: { values: data },
    mark: { type: 'line', point: { size: 60, filled: true }, strokeWidth: 2 },
    encoding: {
      x: { field: 'lr', type: 'quantitative', title: 'learning rate (log)', scale: { type: 'log' }, axis: { format: '.0e', values: [...new Set(data.map((c) => c.lr))] } },
      y: { field: 'value', type: 'quantitative', title: `best ${metric}`, scale: { zero: false } },
      color: { field: 'batch', type: 'ordinal', title: 'batch size', sort: { field: 'batchNum' }, scale: { scheme: 'viridis' } },
    },
  } as TopLevelSpec;
}

/** Heatmap of the best objective over learning rate × batch size, the best cells darkest. */
export function heatmapSpec(lb: Leaderboard): TopLevelSpec | undefined {
  const data = cells(lb);
  if (data.length === 0) return undefined;
  const metric = lb.objective.metric;
  const lrs = [...new Set(data.map((c) => c.lr))].sort((a, b) => a - b).map(fmtSci);
  const batches = [...new Set(data.map((c) => c.batchNum))].sort((a, b) => a - b).map(String);
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of data) {
    if (c.value < lo) lo = c.value;
    if (c.value > hi) hi = c.value;
  }
  const midpoint = (lo + hi) / 2;
  const darkIsLow = lb.objective.goal === 'minimize';
  return {
    width: Math.max(200, 80 * lrs.length),
    height: Math.max(96, 48 * batches.length),
    title: { text: `Best ${metric}: learning rate × batch size`, subtitle: 'darker is better' },
    data: { values: data.map((c) => ({ ...c, text: fmtNum(c.value, 3), light: darkIsLow ? c.value < midpoint : c.value > midpoint })) },
    encoding: {
      x: { field: 'lrLabel', type: 'ordinal', title: 'learning rate', sort: lrs, axis: { labelAngle: 0 } },
      y: { field: 'batch', type: 'ordinal', title: 'batch size', sort: batches },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: { color: { field: 'value', type: 'quantitative', title: metric, scale: { scheme: 'blues', reverse: darkIsLow } } },
      },
      {
        mark: { type: 'text', fontSize: 11, fontWeight: 600 },
        encoding: {
          text: { field: 'text' },
          color: { condition: { test: 'datum.light', value: 'white' }, value: '#111827' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** At most this many trials are drawn in the all-trials plots; beyond it a sample, said on the page. */
export const PLOT_TRIALS = 1000;
const PLOT_TOP = 100;

/**
 * The rows the all-trials plots draw: every ranked trial up to PLOT_TRIALS; beyond it the top
 * PLOT_TOP and an even sample (every k-th by rank) of the rest, so the page stays small and quick.
 */
export function plotSample(lb: Leaderboard): { rows: LeaderboardRow[]; of: number; note?: string } {
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

/** The Pareto plot: every trial on the two metrics, the front joined and marked. */
export function paretoSpec(lb: Leaderboard, rows: readonly LeaderboardRow[]): TopLevelSpec | undefined {
  return paretoPlot(lb, rows)?.spec;
}

/** The Pareto plot's spec, and how many dominated points one per pixel left out. */
function paretoPlot(lb: Leaderboard, rows: readonly LeaderboardRow[]): { spec: TopLevelSpec; merged: number } | undefined {
  const p = lb.pareto;
  if (!p) return undefined;
  const [a, b] = p.metrics;
  const valueOf = (r: LeaderboardRow, metric: string): number | undefined => {
    if (metric === 'forgetting') return r.forgettingRise;
    if (metric === 'seconds') return r.seconds;
    if (metric === lb.objective.metric) return r.best?.value;
    const e = r.best ? r.curve.find((c) => c.epoch === r.best!.epoch) : undefined;
    const v = e?.[metric as keyof typeof e];
    return typeof v === 'number' ? v : undefined;
  };
  const all = rows.flatMap((r) => {
    const x = valueOf(r, a.metric);
    const y = valueOf(r, b.metric);
    return x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) ? [{ x, y, trial: r.id, front: r.paretoRank === 1 ? 'on the front' : 'dominated' }] : [];
  });
  if (all.length < 2) return undefined;
  // The front is drawn whole; the dominated points one per pixel.
  const points = onePerPixel(all, (q) => q.x, (q) => q.y, 420, 260, (q) => (q.front === 'on the front' ? q.trial : ''));
  const front = points.filter((q) => q.front === 'on the front').sort((q, w) => q.x - w.x);
  const label = (m: string): string => (m === 'forgetting' ? 'general-text perplexity rise' : m === 'seconds' ? 'wall time (s)' : m);
  const enc = {
    x: { field: 'x', type: 'quantitative', title: `${label(a.metric)} (${a.goal})`, scale: { zero: false } },
    y: { field: 'y', type: 'quantitative', title: `${label(b.metric)} (${b.goal})`, scale: { zero: false }, ...(b.metric === 'forgetting' ? { axis: { format: '.0%' } } : {}) },
  };
  const spec = {
    width: 420,
    height: 260,
    title: { text: `Pareto front: ${a.metric} vs ${b.metric}`, subtitle: p.ranks ? 'the ranking: Pareto rank, then the first metric' : 'the trade-off: trials off the front scored no better and forgot more' },
    layer: [
      { data: { values: front }, mark: { type: 'line', color: '#16a34a', strokeWidth: 2, interpolate: 'step-after' }, encoding: enc },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 50 },
        encoding: { ...enc, color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['on the front', 'dominated'], range: ['#16a34a', '#9ca3af'] } } },
      },
    ],
  } as TopLevelSpec;
  return { spec, merged: all.length - points.length };
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
export const CURVE_TRIALS = 6;

export async function renderCharts(lb: Leaderboard): Promise<ReportCharts> {
  const withCurves = lb.rows.filter((r) => r.curve.length > 0).slice(0, CURVE_TRIALS);
  const curves = await Promise.all(withCurves.map(async (r) => ({ id: r.id, svg: await toSvg(curveSpec(r, lb)) })));
  const sample = plotSample(lb);
  const lr = lrSpec(lb);
  const heat = heatmapSpec(lb);
  // Written directly (parallel.ts): through vega it was the page's slowest chart.
  const parSvg = parallelSvg(lb, sample.rows);
  const pareto = paretoPlot(lb, sample.rows);
  // Written directly (scatter.ts), as the parallel plot.
  const sliced = slicePlots(lb, sample.rows);
  const slices = sliced.map((x) => ({ name: x.name, svg: x.svg }));
  const [lrSvg, heatSvg, paretoSvg] = await Promise.all([lr && toSvg(lr), heat && toSvg(heat), pareto && toSvg(pareto.spec)]);
  // What the page must say it left out: the sample, and the points drawn once per pixel.
  const merged = sliced.reduce((n, x) => n + x.merged, 0) + (pareto?.merged ?? 0);
  const pixelNote = merged > 0 ? `In the slice and Pareto plots, trials that fall on the same pixel are drawn once (${merged.toLocaleString('en-US')} points left out).` : '';
  const note = [sample.note, pixelNote].filter(Boolean).join(' ');
  return { curves, lr: lrSvg, heatmap: heatSvg, parallel: parSvg, slices, pareto: paretoSvg, ...(note ? { sampleNote: note } : {}) };
}
