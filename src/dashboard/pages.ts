// The dashboard's HTML: pages and the live fragments the page script swaps in. Built from the
// report's own modules (leaderboard, columns, flags, advice) and its one SVG chart kit (the sweep
// page's plots, the trial's curve, the compare view); every text goes through escapeHtml.
import type { DataReport, EpochMetrics } from '../trial/types.js';
import { adviceLines, columns, FLAG_LABEL, leakageLine, summaryLine } from '../report/view/columns.js';
import { compareSvg } from '../report/charts/compare.js';
import { curveSvg } from '../report/charts/curve.js';
import { renderCharts } from '../report/charts/report-charts.js';
import { fmtNum, fmtParam, fmtSeconds } from '../report/format.js';
import { escapeHtml as e } from '../report/escape.js';
import type { Leaderboard, LeaderboardRow } from '../report/view/leaderboard.js';
import { progressKind, progressLabel } from '../report/view/progress.js';
import type { TrialState } from '../store/state.js';

/** Rows per leaderboard page: a 10,000-trial sweep stays one fast page at a time. */
const PAGE_SIZE = 50;
/** Trials a compare view takes. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 4;

const url = (...segments: string[]): string => `/${segments.map(encodeURIComponent).join('/')}`;

/** A page; `events` is its server-sent events URL and `seq` the journal position it was rendered at. */
export function shell(title: string, body: string, crumbs: Array<[string, string | undefined]> = [], stream?: { events: string; seq: number }): string {
  const nav = [['finesweep', '/'] as [string, string | undefined], ...crumbs]
    .map(([text, href]) => (href ? `<a href="${e(href)}">${e(text)}</a>` : `<span>${e(text)}</span>`))
    .join(' <span class="sep">/</span> ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body${stream ? ` data-events="${e(stream.events)}" data-seq="${stream.seq}"` : ''}>
<header><nav>${nav}</nav><span id="live-status" class="live">connecting…</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A live region: the page script reloads it from `src` whenever the journal grows. */
export function live(src: string, inner: string, opts: { lazy?: boolean; id?: string } = {}): string {
  return `<div class="live-region"${opts.id ? ` id="${e(opts.id)}"` : ''} data-src="${e(src)}"${opts.lazy ? ' data-lazy="1"' : ''}>${inner}</div>`;
}

// ---- the list of sweeps

export interface SweepSummary {
  name: string;
  state: string;
  lb: Leaderboard;
  error?: string;
}

/** `emptyHtml`: what to say when there is none (the catalog's words, already HTML). */
export function sweepListFragment(sweeps: readonly SweepSummary[], emptyHtml = '<p class="sub">No sweep in this directory yet.</p>'): string {
  if (sweeps.length === 0) return emptyHtml;
  const rows = sweeps.map(({ name, state, lb, error }) => {
    const best = lb.rows.find((r) => r.rank === 1);
    const total = Object.values(lb.counts).reduce((a, b) => a + (b ?? 0), 0);
    const counts = Object.entries(lb.counts).map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ');
    return `<tr data-sweep="${e(name)}"><td><a href="${e(url('sweeps', name))}">${e(name)}</a></td><td><span class="status ${e(state)}">${e(state)}</span>${error ? ` <span class="flag diverged" title="${e(error)}">journal error</span>` : ''}</td><td class="r">${total}</td><td>${e(counts)}</td><td>${e(`${lb.objective.metric} (${lb.objective.goal})`)}</td><td class="r">${best?.best ? e(fmtNum(best.best.value)) : ''}</td><td>${best ? `<a href="${e(url('sweeps', name, 'trials', best.id))}">${e(best.id)}</a>` : ''}</td></tr>`;
  });
  return `<div class="card"><table id="sweeps"><thead><tr><th>sweep</th><th>state</th><th class="r">trials</th><th>by status</th><th>objective</th><th class="r">best</th><th>best trial</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

// ---- one sweep: leaderboard

function flagsHtml(row: LeaderboardRow): string {
  return row.flags.map((f) => `<span class="flag ${e(f.name)}" title="${e(f.detail)}">${e(FLAG_LABEL[f.name] ?? f.name)}</span>`).join('');
}

/** The report's advice lines, with each line's trial list cut short: 10,000 ids are not advice. */
function advice(lb: Leaderboard): string[] {
  const cut = (ids: string[]): string[] => (ids.length > 8 ? [...ids.slice(0, 8), `… ${ids.length - 8} more`] : ids);
  const more = lb.problems.length - 12;
  const lines = adviceLines({ ...lb, advice: lb.advice.map((a) => ({ ...a, trials: cut(a.trials) })), problems: lb.problems.slice(0, 12), hidden: 0 });
  return more > 0 ? [...lines, `… ${more} more failed, diverged or stopped trials (see their status in the leaderboard)`] : lines;
}

export function pageCount(lb: Leaderboard): number {
  return Math.max(1, Math.ceil(lb.rows.length / PAGE_SIZE));
}

export function leaderboardFragment(name: string, lb: Leaderboard, page: number): string {
  const cols = columns(lb);
  const pages = pageCount(lb);
  const first = (page - 1) * PAGE_SIZE;
  const rows = lb.rows.slice(first, first + PAGE_SIZE);
  const head = `<th title="select 2–4 trials to compare">cmp</th>${cols.map((c) => `<th class="${c.align === 'right' ? 'r' : ''}">${e(c.header)}</th>`).join('')}`;
  const body = rows
    .map((row) => {
      const cls = row.rank === 1 ? 'best' : row.rank === undefined ? 'unranked' : '';
      const cells = cols.map((c) => {
        const align = c.align === 'right' ? ' class="r"' : '';
        if (c.key === 'status') return `<td><span class="status ${e(row.status)}">${e(c.cell(row))}</span></td>`;
        if (c.key === 'flags') return `<td>${flagsHtml(row)}</td>`;
        if (c.key === 'trial') return `<td><a class="trial" href="${e(url('sweeps', name, 'trials', row.id))}">${e(row.id)}</a></td>`;
        const text = c.cell(row);
        return `<td${align}><span class="cell" title="${e(text)}">${e(text)}</span></td>`;
      });
      return `<tr class="${cls}" data-trial="${e(row.id)}"><td><input type="checkbox" name="trials" value="${e(row.id)}" form="compare" aria-label="compare ${e(row.id)}"></td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const link = (p: number, text: string): string => (p >= 1 && p <= pages && p !== page ? `<a href="${e(`${url('sweeps', name)}?page=${p}`)}">${e(text)}</a>` : `<span class="off">${e(text)}</span>`);
  const pager =
    pages > 1
      ? `<nav class="pager">${link(1, '« first')} ${link(page - 1, '‹ prev')} <span>trials ${first + 1}–${first + rows.length} of ${lb.rows.length} · page ${page} of ${pages}</span> ${link(page + 1, 'next ›')} ${link(pages, 'last »')}</nav>`
      : '';
  const leak = leakageLine(lb);
  const lines = advice(lb);
  return `<p class="sub" id="summary">${e(summaryLine(lb))}</p>
${leak ? `<div class="alert">${e(leak)}${lb.leakage.examples.length ? `<br><small>e.g. ${lb.leakage.examples.map((x) => `“${e(x)}”`).join(', ')}</small>` : ''}</div>` : ''}
<div class="card"><form id="compare" action="${e(url('sweeps', name, 'compare'))}" method="get"><button type="submit">compare selected (2–4)</button></form>
${pager}<div class="scroll"><table id="leaderboard"><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>${pager}
${lines.length ? `<h3>Flags and recommendations</h3><ul class="advice">${lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : ''}</div>`;
}

// ---- one sweep: charts

const figure = (svg: string, cls = ''): string => `<figure class="card${cls ? ` ${cls}` : ''}">${svg}</figure>`;

/**
 * The report's charts: every plot renderCharts draws (the lr plot and heatmap today, and whatever
 * the report adds), then the learning curves of the top trials.
 */
export async function chartsFragment(lb: Leaderboard): Promise<string> {
  const charts = (await renderCharts(lb)) as unknown as Record<string, unknown> & { curves: Array<{ id: string; svg: string }> };
  const plots = Object.entries(charts)
    .filter(([key, v]) => key !== 'curves' && typeof v === 'string' && v.startsWith('<svg'))
    .map(([key, svg]) => figure(svg as string, `plot-${key}`));
  return `${plots.length ? `<h2>Learning rate and batch size</h2><div class="charts">${plots.join('')}</div>` : ''}
${charts.curves.length ? `<h2>Learning curves of the top trials</h2><div class="grid">${charts.curves.map((c) => figure(c.svg, 'curve')).join('\n')}</div>` : '<p class="sub">No epoch finished yet.</p>'}`;
}

// ---- one trial

function table(headers: string[], rows: string[][], rightFrom = 1): string {
  const th = headers.map((h, i) => `<th class="${i >= rightFrom ? 'r' : ''}">${e(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td class="${i >= rightFrom ? 'r' : ''}">${e(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>${headers.some((h) => h) ? `<thead><tr>${th}</tr></thead>` : ''}<tbody>${tr}</tbody></table>`;
}

// The engine's metrics first, in this order; any other metric a trainer reported follows by name.
const METRICS = ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'val_f1', 'val_perplexity'];
const NOT_METRICS = new Set(['epoch', 'step', 'seconds', 'steps']);

function epochsTable(epochs: readonly EpochMetrics[]): string {
  if (epochs.length === 0) return '<p class="sub">No epoch finished yet.</p>';
  const reported = new Set(epochs.flatMap((x) => Object.keys(x).filter((k) => !NOT_METRICS.has(k) && (typeof x[k] === 'number' || x[k] === null))));
  const present = [...METRICS.filter((m) => reported.has(m)), ...[...reported].filter((m) => !METRICS.includes(m)).sort()];
  // On the step axis each evaluation's step leads, then its (fractional) epoch.
  const steps = progressKind([epochs]) === 'step';
  const mark = (x: EpochMetrics): string[] => (steps ? [String(x.step), String(Number(x.epoch.toFixed(2)))] : [String(x.epoch)]);
  const rows = epochs.map((x) => [...mark(x), ...present.map((m) => fmtNum(typeof x[m] === 'number' ? (x[m] as number) : x[m] === null ? Number.NaN : undefined)), fmtSeconds(x.seconds)]);
  return table([...(steps ? ['step', 'epoch'] : ['epoch']), ...present, 'time'], rows);
}

function dataReportHtml(r: DataReport | undefined): string {
  if (!r) return '<p class="sub">No data report yet.</p>';
  const split = (s: DataReport['train']): string[] => [s.file, String(s.count), String(s.emptyTexts), String(s.duplicates), String(s.truncated), s.labels ? Object.entries(s.labels).map(([k, v]) => `${k} ${v}`).join(', ') : ''];
  const extra = [
    `leakage: ${r.leakage.count} example${r.leakage.count === 1 ? '' : 's'} in both train and validation`,
    ...(r.priorLoss !== undefined ? [`class-prior loss ${fmtNum(r.priorLoss)}`] : []),
    ...(r.majorityRate !== undefined ? [`majority-class rate ${fmtNum(r.majorityRate)}`] : []),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return `${table(['split', 'file', 'examples', 'empty', 'duplicates', 'truncated', 'labels'], [['train', ...split(r.train)], ['validation', ...split(r.validation)]], 99)}
<ul class="advice">${extra.map((x) => `<li>${e(x)}</li>`).join('')}${r.leakage.examples.map((x) => `<li>leaked: “${e(x)}”</li>`).join('')}</ul>`;
}

export async function trialFragment(lb: Leaderboard, row: LeaderboardRow, trial: TrialState | undefined, logTail: string): Promise<string> {
  const params = Object.entries(row.params).map(([k, v]) => [k, fmtParam(k, v)]);
  const facts = [
    ['status', row.status.replace('_', ' ')],
    ['rank', row.rank === undefined ? '–' : String(row.rank)],
    [`best ${lb.objective.metric}`, row.best ? `${fmtNum(row.best.value)} at ${progressLabel(row.best, progressKind([row.curve]))}` : ''],
    ...(row.stepsDone !== undefined ? [['progress', `step ${row.stepsDone} (epoch ${Number(row.epochsDone.toFixed(2))}), ${row.curve.length} evaluations`]] : [['epochs done', String(row.epochsDone)]]),
    ['time', fmtSeconds(row.seconds)],
    ...(trial?.backend ? [['backend', trial.backend]] : []),
    ...(trial?.attempts ? [['attempts', String(trial.attempts)]] : []),
    ...(row.reason ? [['reason', row.reason]] : []),
    ...(row.recommendation ? [['recommendation', row.recommendation.text]] : []),
  ];
  const flags = row.flags.map((f) => `<li><span class="flag ${e(f.name)}">${e(FLAG_LABEL[f.name] ?? f.name)}</span> ${e(f.detail)} — ${e(f.advice)}</li>`).join('');
  const curve = row.curve.length ? figure(curveSvg(row, lb), 'curve') : '<p class="sub">No epoch finished yet.</p>';
  return `<div class="grid2">
<div class="card"><h3>Trial</h3>${table(['', ''], facts, 99)}${flags ? `<ul class="advice">${flags}</ul>` : ''}</div>
<div class="card"><h3>Parameters</h3>${table(['parameter', 'value'], params, 99)}</div>
</div>
<h2>Learning curve</h2>${curve}
<h2>${progressKind([row.curve]) === 'step' ? 'Evaluations' : 'Per-epoch metrics'}</h2><div class="card">${epochsTable(trial?.epochs ?? [])}</div>
<h2>Data report</h2><div class="card">${dataReportHtml(trial?.dataReport)}</div>
<h2>Log (last lines)</h2><pre class="log card">${e(logTail) || '(empty)'}</pre>`;
}

// ---- compare

export async function compareFragment(lb: Leaderboard, rows: readonly LeaderboardRow[]): Promise<string> {
  const cols = columns(lb).filter((c) => c.key !== 'flags');
  const tableRows = rows.map((r) => cols.map((c) => c.cell(r)));
  return `${figure(compareSvg(rows, lb), 'compare')}
<div class="card scroll">${table(cols.map((c) => c.header), tableRows, 99)}</div>`;
}

export function notFoundPage(what: string): string {
  return shell('not found', `<h1>Not found</h1><p class="sub">${e(what)}</p><p><a href="/">all sweeps</a></p>`);
}
