// The learning curves of a few trials on one plot (the dashboard's compare view): validation loss
// solid and train loss dashed, one colour per trial. Drawn on the same x/y kit (xy.ts) as the
// report's curves; a curve is the sequence of a trial's evaluation points, in order, on the step
// axis when every point has its step (epoch marks only where the trials' epochs end at the same
// steps: a larger batch has fewer steps an epoch), else on epochs.
import { escapeHtml as e } from '../escape.js';
import { fmtNum } from '../format.js';
import type { Leaderboard, LeaderboardRow } from '../view/leaderboard.js';
import { SERIES } from './curve.js';
import { epochMarks, progressKind, progressLabel, progressOf } from '../view/progress.js';
import { dot, epochAxis, epochMarksSvg, linearAxis, r1, stepAxis, xySvg, type LegendItem } from './xy.js';

/** One colour per trial (vega's category10, the palette this view always had). */
const TRIAL_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export function compareSvg(rows: readonly LeaderboardRow[], lb: Leaderboard): string {
  const kind = progressKind(rows.map((r) => r.curve));
  const label = (r: LeaderboardRow): string => `${r.rank !== undefined ? `#${r.rank} ` : ''}${r.id}`;
  const lines = rows.flatMap((r, i) =>
    SERIES.map((s) => ({
      trial: label(r),
      series: s,
      colour: TRIAL_COLOURS[i % TRIAL_COLOURS.length],
      points: r.curve.flatMap((c) => (finite(c[s.key]) ? [{ epoch: progressOf(c, kind), loss: c[s.key] as number, at: progressLabel(c, kind) }] : [])),
    })),
  );
  const all = lines.flatMap((l) => l.points);
  const maxEpoch = Math.max(1, ...all.map((p) => p.epoch));
  const marks = kind === 'step' ? sharedEpochMarks(rows) : [];
  const legend: LegendItem[] = [
    ...rows.map((r, i) => ({ label: label(r), colour: TRIAL_COLOURS[i % TRIAL_COLOURS.length], symbol: 'circle' as const })),
    ...SERIES.map((s) => ({ label: s.name, colour: '#374151', symbol: 'stroke' as const, dash: s.dash })),
  ];
  return xySvg({
    cls: 'compare',
    title: `Learning curves of ${rows.length} trials`,
    subtitle: [`val loss solid, train loss dashed · objective ${lb.objective.metric} (${lb.objective.goal})`],
    width: 560,
    height: 300,
    x: kind === 'step' ? stepAxis(maxEpoch) : epochAxis(maxEpoch, Math.min(...all.map((p) => p.epoch))),
    y: linearAxis('loss', all.map((p) => p.loss)),
    legend: { items: legend },
    marks: (frame) => {
      const { px, py } = frame;
      const paths = lines
        .filter((l) => l.points.length > 0)
        .map((l) => {
          const d = l.points.map((p, i) => `${i ? 'L' : 'M'}${r1(px(p.epoch))},${r1(py(p.loss))}`).join('');
          return `<path d="${d}" stroke="${l.colour}"${l.series.dash ? ` stroke-dasharray="${l.series.dash}"` : ''}/>`;
        })
        .join('');
      const symbols = lines
        .flatMap((l) => l.points.map((p) => `<path d="${dot(px(p.epoch), py(p.loss), 3)}" fill="${l.colour}"><title>${e(`${l.trial} ${l.series.name} ${p.at}: ${fmtNum(p.loss)}`)}</title></path>`))
        .join('');
      return `${epochMarksSvg(frame, marks)}<g class="mark-line" fill="none" stroke-width="2">${paths}</g>
<g class="mark-symbol">${symbols}</g>`;
    },
  });
}

/** The epoch marks of the trials when they agree (the longest trial's, if the others' are its prefix), else none. */
function sharedEpochMarks(rows: readonly LeaderboardRow[]): Array<{ epoch: number; step: number }> {
  const all = rows.map((r) => epochMarks(r.curve));
  const longest = all.reduce((a, b) => (b.length > a.length ? b : a), [] as Array<{ epoch: number; step: number }>);
  return all.every((m) => m.every((x, i) => longest[i].step === x.step)) ? longest : [];
}
