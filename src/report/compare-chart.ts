// The learning curves of a few trials on one plot (the dashboard's compare view): validation loss
// solid and train loss dashed, one colour per trial. Same vega-lite pipeline as the report's charts.
import type { TopLevelSpec } from 'vega-lite';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';

export function compareSpec(rows: readonly LeaderboardRow[], lb: Leaderboard): TopLevelSpec {
  const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  const label = (r: LeaderboardRow): string => `${r.rank !== undefined ? `#${r.rank} ` : ''}${r.id}`;
  const points = rows.flatMap((r) =>
    r.curve.flatMap((e) => [
      ...(finite(e.train_loss) ? [{ epoch: e.epoch, loss: e.train_loss, series: 'train loss', trial: label(r) }] : []),
      ...(finite(e.val_loss) ? [{ epoch: e.epoch, loss: e.val_loss, series: 'val loss', trial: label(r) }] : []),
    ]),
  );
  const maxEpoch = Math.max(1, ...rows.flatMap((r) => r.curve.map((e) => e.epoch)));
  return {
    width: 560,
    height: 300,
    title: { text: `Learning curves of ${rows.length} trials`, subtitle: `val loss solid, train loss dashed · objective ${lb.objective.metric} (${lb.objective.goal})` },
    data: { values: points },
    mark: { type: 'line', point: { size: 28 }, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { domain: [1, maxEpoch], nice: false }, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'trial', type: 'nominal', title: 'trial', sort: rows.map(label), scale: { scheme: 'category10' } },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['train loss', 'val loss'], range: [[4, 3], [1, 0]] } },
      detail: { field: 'series' },
    },
  } as TopLevelSpec;
}
