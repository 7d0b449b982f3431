// One trial's learning curves as SVG on the chart kit (xy.ts), for the HTML report and the
// dashboard's trial page alike: train loss dashed blue, val loss solid orange, a point at each
// evaluation; the best evaluation as a green dashed rule; overfitting and divergence as a red rule
// with a label where they begin, still-improving as a blue note at the last evaluation. The x axis
// is the optimizer step when the trial's evaluations carry one (with a dotted mark at each epoch's
// end), else the epoch (view/progress.ts).
import { escapeHtml as e } from '../escape.js';
import { fmtNum, fmtParam } from '../format.js';
import type { Leaderboard, LeaderboardRow } from '../view/leaderboard.js';
import { epochMarks, progressAtEpoch, progressKind, progressLabel, progressOf, type ProgressKind } from '../view/progress.js';
import { dot, epochAxis, epochMarksSvg, linearAxis, r1, stepAxis, xySvg, type LegendItem } from './xy.js';

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export const SERIES = [
  { name: 'train loss', key: 'train_loss', colour: '#2563eb', dash: '4,3' },
  { name: 'val loss', key: 'val_loss', colour: '#f97316', dash: '' },
] as const;

/** What a curve chart draws, in data units: `epoch` is the place on the x axis (a step on a step axis). */
interface CurveMarks {
  kind: ProgressKind;
  points: Array<{ epoch: number; loss: number; series: string; label: string }>;
  maxEpoch: number;
  /** Whole epochs' ends on a step axis. */
  epochMarks: Array<{ epoch: number; step: number }>;
  /** Red: overfitting or divergence from this epoch. */
  rules: Array<{ epoch: number; label: string }>;
  /** Blue notes (still improving). */
  notes: Array<{ epoch: number; label: string }>;
  best: Array<{ epoch: number; label: string }>;
  title: string;
  subtitle: string[];
}

function curveMarks(row: LeaderboardRow, lb: Leaderboard): CurveMarks {
  const kind = progressKind([row.curve]);
  const x = (epoch: number): number => progressAtEpoch(row.curve, epoch, kind);
  const points = row.curve.flatMap((c) => [
    ...(finite(c.train_loss) ? [{ epoch: progressOf(c, kind), loss: c.train_loss, series: 'train loss', label: progressLabel(c, kind) }] : []),
    ...(finite(c.val_loss) ? [{ epoch: progressOf(c, kind), loss: c.val_loss, series: 'val loss', label: progressLabel(c, kind) }] : []),
  ]);
  const maxEpoch = Math.max(1, ...row.curve.map((c) => progressOf(c, kind)));
  const rules = row.flags
    .filter((f) => f.epoch !== undefined && (f.name === 'overfitting' || f.name === 'diverged'))
    .map((f) => {
      const blewUp = row.curve.some((c) => c.epoch === f.epoch && (!finite(c.train_loss) || !finite(c.val_loss)));
      const at = kind === 'step' ? `step ${x(f.epoch!)}` : `epoch ${f.epoch}`;
      const label = f.name === 'overfitting' ? `overfitting from ${at}` : `diverged ${blewUp ? 'at' : 'after'} ${at}`;
      return { epoch: x(f.epoch!), label };
    });
  const notes = row.flags.filter((f) => f.name === 'still_improving' && f.epoch !== undefined).map((f) => ({ epoch: x(f.epoch!), label: 'still improving' }));
  const best = row.best ? [{ epoch: x(row.best.epoch), label: `best ${lb.objective.metric} ${fmtNum(row.best.value)}` }] : [];
  const title = `${row.rank !== undefined ? `#${row.rank} ` : ''}${row.id} (${row.status.replace('_', ' ')})`;
  const subtitle = subtitleLines(lb.paramColumns.map((p) => `${p} ${clip(fmtParam(p, row.params[p]), 24)}`));
  return { kind, points, maxEpoch, epochMarks: kind === 'step' ? epochMarks(row.curve) : [], rules, notes, best, title, subtitle };
}

/** Cuts a long value with an ellipsis. */
export function clip(text: string, max: number): string {
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

export function curveSvg(row: LeaderboardRow, lb: Leaderboard): string {
  const m = curveMarks(row, lb);
  const W = 300;
  const H = 170;
  const x = m.kind === 'step' ? stepAxis(m.maxEpoch) : epochAxis(m.maxEpoch, Math.min(...m.points.map((p) => p.epoch)));
  const y = linearAxis('loss', m.points.map((p) => p.loss));
  const legend: LegendItem[] = SERIES.map((s) => ({ label: s.name, colour: s.colour, symbol: 'stroke', dash: s.dash }));
  return xySvg({
    cls: 'curve',
    title: m.title,
    subtitle: m.subtitle,
    width: W,
    height: H,
    x,
    y,
    legend: { items: legend },
    marks: (frame) => {
      const { px, py, top: plotTop } = frame;
      const lines = SERIES.map((s) => {
        const pts = m.points.filter((p) => p.series === s.name);
        if (pts.length === 0) return '';
        const d = pts.map((p, i) => `${i ? 'L' : 'M'}${r1(px(p.epoch))},${r1(py(p.loss))}`).join('');
        return `<path d="${d}" stroke="${s.colour}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`;
      }).join('');
      const symbols = SERIES.map((s) => {
        const pts = m.points.filter((p) => p.series === s.name);
        return pts.map((p) => `<path d="${dot(px(p.epoch), py(p.loss), 3)}" fill="${s.colour}"><title>${e(`${s.name} ${p.label}: ${fmtNum(p.loss)}`)}</title></path>`).join('');
      }).join('');
      const rule = (epoch: number, colour: string, extra: string): string => `<line x1="${r1(px(epoch))}" y1="${r1(plotTop)}" x2="${r1(px(epoch))}" y2="${r1(plotTop + H)}" stroke="${colour}"${extra}/>`;
      const bestRules = m.best.map((b) => rule(b.epoch, '#16a34a', ' stroke-dasharray="2,2" stroke-opacity="0.7"')).join('');
      const redRules = m.rules.map((r) => rule(r.epoch, '#dc2626', ' stroke-width="2"')).join('');
      const label = (epoch: number, text: string, colour: string, right: boolean): string =>
        `<text x="${r1(px(epoch) + (right ? -4 : 4))}" y="${r1(plotTop + 11)}" text-anchor="${right ? 'end' : 'start'}" fill="${colour}">${e(text)}</text>`;
      // A label goes left of its rule at the last epoch; on the step axis, anywhere in the plot's
      // right half (a label there would run off the chart).
      const leftOf = (at: number): boolean => at >= m.maxEpoch || (m.kind === 'step' && px(at) > frame.left + frame.width / 2);
      const texts = [...m.rules.map((r) => label(r.epoch, r.label, '#dc2626', leftOf(r.epoch))), ...m.notes.map((n) => label(n.epoch, n.label, '#0369a1', true))].join('');
      return `${epochMarksSvg(frame, m.epochMarks)}<g class="mark-rule">${bestRules}${redRules}</g>
<g class="mark-line" fill="none" stroke-width="2">${lines}</g>
<g class="mark-symbol">${symbols}</g>
<g class="mark-text" font-size="10" font-weight="600">${texts}</g>`;
    },
  });
}
