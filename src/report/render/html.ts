// The HTML report: one self-contained file (inline CSS and SVG, no script, no network) with the
// leaderboard, learning curves, objective against learning rate, and the lr × batch heatmap.
import { adviceLines, columns, FLAG_LABEL, leakageLine, summaryLine } from '../view/columns.js';
import { renderCharts } from '../charts/report-charts.js';
import { escapeHtml } from '../escape.js';
import type { Leaderboard } from '../view/leaderboard.js';


/** The report's look; the dashboard's stylesheet starts from it (src/dashboard/assets.ts). */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; background: #f8fafc; }
main { max-width: 1280px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 16px; margin: 32px 0 12px; }
.sub { color: #6b7280; margin: 0 0 16px; }
.card { background: white; border: 1px solid #e5e7eb; border-radius: 10px; padding: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.alert { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; border-radius: 10px; padding: 12px 16px; margin: 12px 0; font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; border-bottom: 1px solid #f1f5f9; white-space: nowrap; }
th { text-align: left; font-size: 12px; color: #6b7280; font-weight: 600; border-bottom: 1px solid #e5e7eb; }
td.r, th.r { text-align: right; }
.cell { display: inline-block; max-width: 16em; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
tr.best td { background: #f0fdf4; }
tr.unranked td { color: #6b7280; }
.status { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #f1f5f9; }
.status.completed { background: #dcfce7; color: #166534; }
.status.failed, .status.diverged { background: #fee2e2; color: #991b1b; }
.status.running { background: #dbeafe; color: #1e40af; }
.flag { display: inline-block; padding: 1px 7px; margin-right: 4px; border-radius: 4px; font-size: 12px; background: #fef3c7; color: #92400e; }
.flag.diverged, .flag.leakage { background: #fee2e2; color: #991b1b; }
.flag.still_improving { background: #e0f2fe; color: #075985; }
ul.advice { margin: 12px 0 0; padding-left: 20px; color: #374151; }
ul.advice li { margin: 2px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 32px; color: #9ca3af; font-size: 12px; }
.note { color: #6b7280; font-size: 13px; margin: 8px 0; }
.imp { display: grid; grid-template-columns: max-content 1fr max-content; gap: 4px 12px; align-items: center; max-width: 640px; }
.imp .bar { height: 12px; background: #2563eb; border-radius: 3px; }
.imp .track { background: #f1f5f9; border-radius: 3px; }
`;

/** Rows of the HTML leaderboard without --top: a 10,000-row table would be most of the page's weight. */
const HTML_ROWS = 500;

function importanceHtml(lb: Leaderboard): string {
  const imp = lb.importance;
  if (!imp) return '';
  const e = escapeHtml;
  const rows = imp.params
    .map((p) => `<span>${e(p.name)}</span><div class="track"><div class="bar" style="width:${(p.importance * 100).toFixed(1)}%"></div></div><span>${e(p.importance.toFixed(2))}</span>`)
    .join('\n');
  const inter = imp.interactions.map((i) => `${i.params.join(' × ')} ${i.importance.toFixed(2)}`).join(', ');
  return `<div class="card"><p class="note">Share of ${e(lb.objective.metric)}'s variance each parameter explains on its own: ${e(imp.method)} (Hutter et al., ICML 2014, as Optuna's FanovaImportanceEvaluator), ${imp.trials.toLocaleString('en-US')} ranked trials, ${imp.trees} trees${imp.sample < imp.trials ? `, each grown on a seeded bootstrap sample of ${imp.sample} of them` : ''}.${inter ? ` Interactions: ${e(inter)}.` : ''}</p><div class="imp">${rows}</div></div>`;
}

export async function renderHtml(lb: Leaderboard): Promise<string> {
  const e = escapeHtml;
  const cols = columns(lb);
  const charts = await renderCharts(lb);
  const head = cols.map((c) => `<th class="${c.align === 'right' ? 'r' : ''}">${e(c.header)}</th>`).join('');
  const tableRows = lb.rows.slice(0, HTML_ROWS);
  const cut = lb.rows.length - tableRows.length;
  const body = tableRows
    .map((row) => {
      const cls = row.rank === 1 ? 'best' : row.rank === undefined ? 'unranked' : '';
      const cells = cols.map((c) => {
        const align = c.align === 'right' ? ' class="r"' : '';
        if (c.key === 'status') return `<td><span class="status ${e(row.status)}">${e(c.cell(row))}</span></td>`;
        if (c.key === 'flags') {
          const flags = row.flags.map((f) => `<span class="flag ${e(f.name)}" title="${e(f.detail)}">${e(FLAG_LABEL[f.name] ?? f.name)}</span>`);
          return `<td>${flags.join('')}</td>`;
        }
        // A long value (a parameter, an id) is cut with an ellipsis; the full text is its tooltip.
        const text = c.cell(row);
        return `<td${align}><span class="cell" title="${e(text)}">${e(text)}</span></td>`;
      });
      return `<tr class="${cls}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const leak = leakageLine(lb);
  const advice = adviceLines(lb);
  const title = `finesweep report: ${lb.name ?? '(unnamed)'}`;
  const section = (heading: string, inner: string): string => `<h2>${e(heading)}</h2>\n${inner}`;
  const figure = (svg: string): string => `<figure class="card">${svg}</figure>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>Sweep ${e(lb.name ?? '(unnamed)')}</h1>
<p class="sub">${e(summaryLine(lb))}${lb.dir ? ` · ${e(lb.dir)}` : ''}</p>
${lb.description ? `<p>${e(lb.description)}</p>` : ''}
${leak ? `<div class="alert">${e(leak)}${lb.leakage.examples.length ? `<br><small>e.g. ${lb.leakage.examples.map((x) => `“${e(x)}”`).join(', ')}</small>` : ''}</div>` : ''}
${section('Leaderboard', `<div class="card"><div class="scroll"><table><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>${cut > 0 ? `<p class="note">… ${cut.toLocaleString('en-US')} more trials not in this table (finesweep report --format csv has every one).</p>` : ''}${advice.length ? `<ul class="advice">${advice.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : ''}</div>`)}
${charts.lr || charts.heatmap ? section('Learning rate and batch size', `<div class="charts">${[charts.lr, charts.heatmap].filter((s): s is string => !!s).map(figure).join('')}</div>`) : ''}
${charts.sampleNote ? `<p class="note">${e(charts.sampleNote)}</p>` : ''}
${charts.parallel ? section('All trials: parallel coordinates', figure(charts.parallel)) : ''}
${charts.slices.length ? section('Objective against each parameter', `<div class="charts">${charts.slices.map((x) => figure(x.svg)).join('')}</div>`) : ''}
${charts.pareto ? section('Pareto front', figure(charts.pareto)) : ''}
${lb.importance ? section('Parameter importance', importanceHtml(lb)) : ''}
${charts.curves.length ? section('Learning curves of the top trials', `<div class="grid">${charts.curves.map((c) => figure(c.svg)).join('\n')}</div>`) : ''}
<footer>Generated by finesweep from the sweep's journal. Diagnosis thresholds: ${e(JSON.stringify(lb.thresholds))}.</footer>
</main>
</body>
</html>
`;
}
