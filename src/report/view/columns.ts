// The leaderboard's columns, shared by the table, Markdown and CSV renderers: a display cell
// (sensible digits) and a raw value (full precision, for CSV) per row.
import { fmtDiff, fmtNum, fmtParam, fmtPct, fmtSeconds } from '../format.js';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';
import { progressKind } from './progress.js';

export interface Column {
  /** Header in tables and Markdown. */
  header: string;
  /** Machine name (CSV header). */
  key: string;
  align: 'left' | 'right';
  cell(row: LeaderboardRow): string;
  raw(row: LeaderboardRow): string | number | undefined;
}

const SHORT: Record<string, string> = { learning_rate: 'lr', batch_size: 'batch', epochs: 'epochs' };

export const FLAG_LABEL: Record<string, string> = {
  leakage: 'leakage',
  diverged: 'diverged',
  overfitting: 'overfitting',
  underfitting: 'underfitting',
  still_improving: 'still improving',
  forgetting: 'forgetting',
};

function flagList(row: LeaderboardRow): string {
  return row.flags.map((f) => FLAG_LABEL[f.name] ?? f.name).join(', ');
}

/** The recommendation of one row, as shown in every format. */
function recommendationCell(row: LeaderboardRow): string {
  return row.recommendation?.text ?? '';
}

/** The Pareto mark: ◆ on the front. */
const FRONT_MARK = '◆';

function statusCell(row: LeaderboardRow): string {
  const note = oomNote(row);
  // An early stop says where it happened: the ASHA rung, or the epoch for the median rule.
  if (row.status === 'stopped_early') {
    const where = row.rung !== undefined ? `stopped early (rung ${row.rung})` : row.stepsDone !== undefined ? `stopped early (step ${row.stepsDone})` : `stopped early (epoch ${row.epochsDone})`;
    return `${where}${note ? `, ${note}` : ''}`;
  }
  return `${row.status.replace('_', ' ')}${note ? ` (${note})` : ''}`;
}

/** A trial retried smaller after running out of memory, e.g. "oom→bs 8×2" (batch_size × grad_accum). */
export function oomNote(row: Pick<LeaderboardRow, 'oomRetry'>): string | undefined {
  return row.oomRetry === undefined ? undefined : `oom→bs ${row.oomRetry.batch_size}×${row.oomRetry.grad_accum}`;
}

export function columns(lb: Leaderboard): Column[] {
  const metric = lb.objective.metric;
  const params: Column[] = lb.paramColumns.map((name) => ({
    header: SHORT[name] ?? name,
    key: name,
    align: typeof lb.rows.find((r) => r.params[name] !== undefined)?.params[name] === 'number' ? 'right' : 'left',
    cell: (r) => {
      const v = fmtParam(name, r.params[name]);
      // A trial still short of its planned epochs shows how far it got.
      if (name === 'epochs' && typeof r.params.epochs === 'number' && r.epochsDone < r.params.epochs && r.status !== 'completed' && r.status !== 'pending') {
        return `${Number(r.epochsDone.toFixed(2))}/${v}`;
      }
      return v;
    },
    raw: (r) => r.params[name] as string | number | undefined,
  }));
  return [
    { header: 'rank', key: 'rank', align: 'right', cell: (r) => (r.rank === undefined ? '–' : String(r.rank)), raw: (r) => r.rank },
    { header: 'trial', key: 'trial', align: 'left', cell: (r) => r.id, raw: (r) => r.id },
    ...params,
    { header: `best ${metric}`, key: `best_${metric}`, align: 'right', cell: (r) => fmtNum(r.best?.value), raw: (r) => r.best?.value },
    ...(lb.rows.some((r) => r.repeats) ? [repeatsColumn()] : []),
    ...(progressKind(lb.rows.map((r) => r.curve)) === 'step'
      ? [{ header: 'best step', key: 'best_step', align: 'right', cell: (r) => (r.best?.step === undefined ? '' : String(r.best.step)), raw: (r) => r.best?.step } satisfies Column]
      : []),
    { header: 'best epoch', key: 'best_epoch', align: 'right', cell: (r) => (r.best ? (Number.isInteger(r.best.epoch) ? String(r.best.epoch) : r.best.epoch.toFixed(2)) : ''), raw: (r) => r.best?.epoch },
    { header: 'train loss', key: 'final_train_loss', align: 'right', cell: (r) => fmtNum(r.finalTrainLoss), raw: (r) => r.finalTrainLoss },
    { header: 'val loss', key: 'final_val_loss', align: 'right', cell: (r) => fmtNum(r.finalValLoss), raw: (r) => r.finalValLoss },
    { header: 'gap', key: 'gap', align: 'right', cell: (r) => fmtDiff(r.gap), raw: (r) => r.gap },
    { header: 'time', key: 'seconds', align: 'right', cell: (r) => fmtSeconds(r.seconds), raw: (r) => r.seconds },
    ...(lb.rows.some((r) => r.forgettingRise !== undefined)
      ? [{ header: 'ppl rise', key: 'forgetting_rise', align: 'right', cell: (r) => fmtPct(r.forgettingRise), raw: (r) => r.forgettingRise } satisfies Column]
      : []),
    ...(lb.pareto
      ? [{ header: 'front', key: 'pareto_rank', align: 'left', cell: (r) => (r.paretoRank === 1 ? FRONT_MARK : ''), raw: (r) => r.paretoRank } satisfies Column]
      : []),
    ...(lb.rows.some((r) => r.trainableParameters !== undefined) ? trainingColumns() : []),
    { header: 'status', key: 'status', align: 'left', cell: statusCell, raw: (r) => r.status },
    { header: 'flags', key: 'flags', align: 'left', cell: flagList, raw: (r) => r.flags.map((f) => f.name).join(' ') },
    { header: 'recommendation', key: 'recommendation', align: 'left', cell: recommendationCell, raw: (r) => r.recommendation?.text },
  ];
}

/** Keys of an evaluation that are not metrics. */
const NOT_METRICS = new Set(['epoch', 'step', 'seconds', 'steps']);

/** Every metric the trials reported at some evaluation (val_f1, train_accuracy, a command's own). */
export function reportedMetrics(lb: Leaderboard): string[] {
  const seen = new Set<string>();
  for (const r of lb.rows) for (const e of r.curve) for (const k in e) if (!NOT_METRICS.has(k) && (typeof e[k] === 'number' || e[k] === null)) seen.add(k);
  return [...seen].sort();
}

/** A metric at each trial's best evaluation (by the objective), for `--columns val_f1`. */
export function metricColumn(metric: string): Column {
  const at = (r: LeaderboardRow): number | undefined => {
    const e = r.best ? r.curve.find((c) => c.epoch === r.best!.epoch) : undefined;
    const v = e?.[metric];
    return typeof v === 'number' ? v : undefined;
  };
  return { header: metric, key: metric, align: 'right', cell: (r) => fmtNum(at(r)), raw: at };
}

/** Recommendation lines under a table: each cites its own evidence, so a large sweep has one a trial. */
const ADVICE_LINES = 20;

/** How many trial ids an advice line names before "and N more". */
const ADVICE_IDS = 8;

function idList(ids: readonly string[]): string {
  if (ids.length <= ADVICE_IDS) return ids.join(', ');
  return `${ids.slice(0, ADVICE_IDS).join(', ')} and ${(ids.length - ADVICE_IDS).toLocaleString('en-US')} more`;
}

/** The Pareto front in one line: which metrics, how many trials on it, the first few. */
function paretoLine(lb: Leaderboard): string | undefined {
  if (!lb.pareto) return undefined;
  const [a, b] = lb.pareto.metrics;
  const what = lb.pareto.ranks ? 'ranked by Pareto rank, then' : 'shown, ranking by';
  return `Pareto front ${FRONT_MARK} of ${a.metric} (${a.goal}) vs ${b.metric} (${b.goal}), ${what} ${a.metric}: ${idList(lb.pareto.front)}`;
}

/** Trainable parameters, checkpoint size and whether the trial's weights are still kept. */
function trainingColumns(): Column[] {
  const size = (n: number | undefined) => (n === undefined ? '' : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));
  return [
    { header: 'trainable', key: 'trainable_parameters', align: 'right', cell: (r) => size(r.trainableParameters), raw: (r) => r.trainableParameters },
    { header: 'ckpt', key: 'checkpoint_bytes', align: 'right', cell: (r) => (r.checkpointBytes === undefined ? '' : r.kept && !r.kept.weights && !r.kept.checkpoint ? '–' : `${size(r.checkpointBytes)}B`), raw: (r) => r.checkpointBytes },
    { header: 'kept', key: 'kept_weights', align: 'left', cell: (r) => (r.kept === undefined ? '' : r.kept.weights ? 'weights' : '–'), raw: (r) => r.kept?.weights },
  ];
}

/** The lines around the table: summary and leakage above; advice, notes and problems below. */
export function summaryLine(lb: Leaderboard): string {
  const order = ['completed', 'running', 'pending', 'stopped_early', 'stopped', 'diverged', 'failed'] as const;
  const total = Object.values(lb.counts).reduce((a, b) => a + (b ?? 0), 0);
  const parts = order.filter((s) => lb.counts[s]).map((s) => `${lb.counts[s]} ${s.replace('_', ' ')}`);
  if (lb.unproposed > 0) parts.push(`${lb.unproposed} not yet proposed`);
  const state = lb.completed ? 'finished' : lb.ended !== undefined ? `ended: ${lb.ended}` : 'in progress or interrupted';
  return `${lb.objective.metric} (${lb.objective.goal}) · ${total} trial${total === 1 ? '' : 's'}: ${parts.join(', ') || 'none yet'} · sweep ${state}`;
}

export function leakageLine(lb: Leaderboard): string | undefined {
  if (lb.leakage.count === 0) return undefined;
  return `LEAKAGE: ${lb.leakage.count} example${lb.leakage.count === 1 ? ' appears' : 's appear'} in both train and validation; validation scores are not to be trusted`;
}

export function adviceLines(lb: Leaderboard): string[] {
  return [
    ...lb.advice.slice(0, ADVICE_LINES).map((a) => `${FLAG_LABEL[a.flag] ?? a.flag} (${idList(a.trials)}): ${a.advice}`),
    ...(lb.advice.length > ADVICE_LINES ? [`… ${(lb.advice.length - ADVICE_LINES).toLocaleString('en-US')} more recommendations, one a trial in the recommendation column (--format csv or json has every one)`] : []),
    ...problemLines(lb),
    ...(paretoLine(lb) ? [paretoLine(lb)!] : []),
    ...importanceLines(lb),
    ...lb.notes.map((n) => `note: ${n}`),
    ...(lb.hidden > 0 ? [`${lb.hidden} more trial${lb.hidden === 1 ? '' : 's'} not shown (--top)`] : []),
    ...suggestionLines(lb),
  ];
}

/** Bars of `width` cells for a share in [0, 1], in eighths of a cell. */
export function bar(share: number, width = 20): string {
  const eighths = Math.round(Math.min(1, Math.max(0, share)) * width * 8);
  const partial = ' ▏▎▍▌▋▊▉'[eighths % 8];
  return ('█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? partial : '')).padEnd(width, ' ');
}

/** Parameter importance as a short bar list (one line per parameter, then the strongest interaction). */
function importanceLines(lb: Leaderboard): string[] {
  const imp = lb.importance;
  if (!imp) return [];
  const width = Math.max(...imp.params.map((p) => p.name.length));
  return [
    `parameter importance: share of ${lb.objective.metric}'s variance each explains (fANOVA on a random forest, ${imp.trials} trials${imp.sample < imp.trials ? `, ${imp.sample} sampled a tree` : ''})`,
    ...imp.params.map((p) => `  ${p.name.padEnd(width)} ${bar(p.importance)} ${p.importance.toFixed(2)}`),
    ...imp.interactions.slice(0, 1).map((i) => `  interaction ${i.params.join(' × ')}: ${i.importance.toFixed(2)}`),
  ];
}

/** The suggested next sweep in two lines (next-sweep.ts). */
function suggestionLines(lb: Leaderboard): string[] {
  if (!lb.suggestion) return [];
  const what = lb.suggestion.length > 0 ? lb.suggestion.map((c) => `${c.parameter} ${c.from} → ${c.to}`).join(' · ') : 'no range to change';
  return [`next sweep: ${what}`, `  finesweep suggest ${lb.dir ?? '<sweep-dir>'} --out next.yaml writes it, with the reason for each change`];
}

/** Failed, diverged and stopped trials with their reason: one line each up to ADVICE_IDS, then one line per reason. */
function problemLines(lb: Leaderboard): string[] {
  const first = (p: Leaderboard['problems'][number]): string => p.reason.split('\n')[0];
  if (lb.problems.length <= ADVICE_IDS) return lb.problems.map((p) => `${p.id} ${p.status.replace('_', ' ')}: ${first(p)}`);
  const groups = new Map<string, string[]>();
  for (const p of lb.problems) {
    const key = `${p.status.replace('_', ' ')}\u0000${first(p).replace(/\d+/g, 'N')}`;
    const ids = groups.get(key);
    if (ids) ids.push(p.id);
    else groups.set(key, [p.id]);
  }
  return [...groups].map(([key, ids]) => {
    const [status, reason] = key.split('\u0000');
    return `${status} (${idList(ids)}): ${reason}`;
  });
}

/**
 * A configuration run more than once (finesweep rerun): mean ± sd of its runs on its first run's
 * row, with "tie" where the ranking among the best is within noise; a repeat's row names its first run.
 */
function repeatsColumn(): Column {
  return {
    header: 'mean ± sd',
    key: 'repeats',
    align: 'left',
    cell: (r) => {
      if (r.repeatOf !== undefined) return `repeat of ${r.repeatOf}`;
      if (!r.repeats) return '';
      return `${fmtNum(r.repeats.mean)} ± ${fmtNum(r.repeats.sd)} (n ${r.repeats.n})${r.tie ? ' tie' : ''}`;
    },
    raw: (r) => (r.repeats && r.repeatOf === undefined ? `${r.repeats.mean} ± ${r.repeats.sd} (n ${r.repeats.n})` : undefined),
  };
}
