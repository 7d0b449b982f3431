// Advice: one recommendation per trial, chosen from what the sweep itself shows. Pure: no I/O.
//
// A trial's flags say what is wrong; each flag proposes moves (moves.ts: "more epochs", "lower LR",
// "freeze more"), those that fit the trial's method. Each move is backed by the strongest evidence
// the sweep holds, in this order:
//   1. neighbour  a trial that differs from this one in the move's parameter alone, moved that way,
//                 and did better: its id, the value that differs, what it reached and by how much;
//   2. curve      the trial's own evaluations: where the validation loss turned (fewer epochs), the
//                 last evaluations still improving (more epochs), where the loss blew up or barely
//                 fell (the learning rate);
//   3. sweep      for the learning rate only: the learning rate of the sweep's best trial lies that way;
//   4. range      the trial sits on the edge of the range searched that the move would cross;
//   5. untested   nothing in the sweep: the move is said with "the sweep did not test it".
// A move the sweep tested and found wanting (a neighbour moved that way, none of them did better) is
// dropped. The recommendation is the move with the strongest evidence: the earlier kind, then the
// larger gain, then the flag's priority (ADVICE_PRIORITY) and the flag's own order of moves. A
// diverged trial is told only about its learning rate, and leakage (the data) comes before tuning.
//
// The learning rate's direction is decided once per learning rate, from the whole sweep
// (lrDirections), so that two trials that differ only in something else are never told opposite
// directions: below the best trial's rate, higher; above it, or at or above a rate that diverged,
// lower; at it, no learning-rate advice. A sweep of one learning rate decides by its trials' flags.
import { compareValues, type Objective } from '../../trial/objective.js';
import type { ParamValue, Params } from '../../trial/types.js';
import type { TrialState } from '../../store/state.js';
import { fmtNum, fmtParam } from '../format.js';
import type { Flag, FlagName } from './flag.js';
import { capacityParameter, FLAG_MOVES, fits, METHOD_ORDER, moveWords, type Direction, type Move } from './moves.js';
import type { SearchedRange } from './spec-summary.js';

export const ADVICE_PRIORITY: readonly FlagName[] = ['diverged', 'leakage', 'overfitting', 'underfitting', 'still_improving', 'forgetting'];

/** One point of a curve: an evaluation (its epoch; its optimizer step once trainers report one) and a value. */
export interface CurvePoint {
  epoch: number;
  step?: number;
  value: number;
}

/** What a recommendation rests on (`recommendation.evidence` in the JSON report). */
export type Evidence =
  | { kind: 'neighbour'; trial: string; parameter: string; value: ParamValue; reached: number; gain?: number; runs?: number }
  | { kind: 'curve'; metric: string; trend: 'turned' | 'improving' | 'loss'; points: CurvePoint[] }
  | { kind: 'sweep'; parameter: 'learning_rate'; best: number; trial: string; reached: number; runs?: number }
  | { kind: 'range'; parameter: string; edge: 'min' | 'max'; value: number }
  | { kind: 'data'; shared: number }
  | { kind: 'untested' };

export interface Recommendation {
  /** The flag it answers. */
  flag: FlagName;
  /** The move and its evidence in words: "more epochs: t011, the same with 3 epochs, reached 0.933 (+0.05)". */
  text: string;
  evidence: Evidence;
}

/**
 * A trial as the advice sees it: its parameters and its best objective value when ranked. A
 * configuration run more than once (`finesweep rerun`) is one point of evidence, not several: each
 * of its trials carries the mean of its runs and their number, so that a move is judged on means
 * and one lucky seed is not quoted as what a configuration reaches.
 */
export interface AdviceTrial {
  trial: TrialState;
  /** The best objective value (its configuration's mean over `runs`); undefined for a trial not ranked (failed, diverged before, running). */
  value?: number;
  /** How many runs `value` is the mean of, when more than one. */
  runs?: number;
}

export interface AdviceContext {
  objective: Objective;
  /** The spec's method (a trial's swept `method` overrides it). */
  method?: string;
  ranges: readonly SearchedRange[];
  /** The learning rate's direction, decided once per rate (lrDirections). */
  lrDirection: (lr: number) => LrVerdict | undefined;
  /** Trials that differ from `params` only in `parameter`. */
  neighbours: (params: Params, parameter: string) => readonly AdviceTrial[];
  /** Examples shared by train and validation. */
  leakage: number;
}

export interface LrVerdict {
  direction: Direction;
  /** The sweep's best trial (its rate lies in `direction`), when the direction comes from it. */
  best?: { trial: string; lr: number; value: number; runs?: number };
}

const KIND_ORDER: Readonly<Record<Evidence['kind'], number>> = { data: -1, neighbour: 0, curve: 1, sweep: 2, range: 3, untested: 4 };

/** The key of a trial's parameters but one: trials with the same key differ in that parameter alone. */
function keyWithout(params: Params, parameter: string): string {
  let key = '';
  for (const k of Object.keys(params).sort()) if (k !== parameter) key += `${k}=${JSON.stringify(params[k])}\u0000`;
  return key;
}

/** Neighbours by parameter, indexed once for the sweep (linear in trials × parameters). */
export function neighbourIndex(trials: readonly AdviceTrial[], parameters: readonly string[]): AdviceContext['neighbours'] {
  const index = new Map<string, Map<string, AdviceTrial[]>>();
  for (const p of parameters) {
    const groups = new Map<string, AdviceTrial[]>();
    for (const t of trials) {
      if (t.trial.params[p] === undefined) continue;
      const key = keyWithout(t.trial.params, p);
      const g = groups.get(key);
      if (g) g.push(t);
      else groups.set(key, [t]);
    }
    index.set(p, groups);
  }
  return (params, parameter) => index.get(parameter)?.get(keyWithout(params, parameter)) ?? [];
}

/**
 * The learning rate's direction at each rate of the sweep: toward the rate of the best ranked
 * trial; lower at or above the lowest rate that diverged. With one rate, by the trials' flags
 * (underfitting says higher; divergence, overfitting and forgetting say lower), a tie saying nothing.
 */
export function lrDirections(trials: readonly AdviceTrial[], objective: Objective, divergedLr: number | undefined, flagsOf: (t: TrialState) => readonly Flag[]): (lr: number) => LrVerdict | undefined {
  let best: { trial: string; lr: number; value: number; runs?: number } | undefined;
  const rates = new Set<number>();
  for (const t of trials) {
    const lr = t.trial.params.learning_rate;
    if (typeof lr !== 'number') continue;
    rates.add(lr);
    if (t.value !== undefined && (!best || compareValues(t.value, best.value, objective.goal) < 0)) best = { trial: t.trial.id, lr, value: t.value, ...(t.runs !== undefined ? { runs: t.runs } : {}) };
  }
  let single: Direction | undefined;
  if (rates.size === 1) {
    let votes = 0;
    for (const t of trials) {
      for (const f of flagsOf(t.trial)) votes += f.name === 'underfitting' ? 1 : f.name === 'diverged' || f.name === 'overfitting' || f.name === 'forgetting' ? -1 : 0;
    }
    single = votes > 0 ? 'up' : votes < 0 ? 'down' : undefined;
  }
  return (lr) => {
    if (divergedLr !== undefined && lr >= divergedLr) return { direction: 'down' };
    if (rates.size === 1) return single && { direction: single };
    if (!best || lr === best.lr) return undefined;
    return { direction: lr < best.lr ? 'up' : 'down', best };
  };
}

/** A parameter's value in words: "3 epochs", "lr 1e-3", "batch 32", "method head". */
function valueWords(parameter: string, v: ParamValue): string {
  if (parameter === 'epochs') return `${fmtParam(parameter, v)} epoch${v === 1 ? '' : 's'}`;
  if (parameter === 'learning_rate') return `lr ${fmtParam(parameter, v)}`;
  if (parameter === 'batch_size') return `batch ${fmtParam(parameter, v)}`;
  return `${parameter} ${fmtParam(parameter, v)}`;
}

/** Where an evaluation is: "epoch 2", or within an epoch "epoch 1.5 (step 120)". */
const at = (p: CurvePoint): string => (Number.isInteger(p.epoch) || p.step === undefined ? `epoch ${fmtNum(p.epoch)}` : `epoch ${fmtNum(p.epoch, 3)} (step ${p.step})`);

const signed = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ''}${fmtNum(Math.abs(x), 3)}`;

const runsWords = (runs: number | undefined): string => (runs !== undefined ? ` on average over ${runs} runs` : '');

/** The evidence in words, after the move: "t011, the same with 3 epochs, reached 0.933 (+0.05)". */
function evidenceWords(e: Evidence): string {
  switch (e.kind) {
    case 'neighbour':
      return `${e.trial}, the same with ${valueWords(e.parameter, e.value)}, reached ${fmtNum(e.reached)}${runsWords(e.runs)}${e.gain !== undefined ? ` (${signed(e.gain)})` : ''}`;
    case 'curve': {
      const name = e.metric.replace('_', ' ');
      const [a, b] = [e.points[0], e.points.at(-1)!];
      if (e.trend === 'turned') return `${name} turned at ${at(a)} (${fmtNum(a.value)}) and rose to ${fmtNum(b.value)} by ${at(b)}`;
      if (e.trend === 'improving') return `${name} still improving over the last evaluations (${e.points.map((p) => fmtNum(p.value)).join(' → ')} by ${at(b)})`;
      return a === b ? `${name} ${fmtNum(a.value)} at ${at(a)}` : `${name} ${fmtNum(a.value)} at ${at(a)} → ${fmtNum(b.value)} at ${at(b)}`;
    }
    case 'sweep':
      return `the sweep's best trial ${e.trial} used lr ${fmtParam('learning_rate', e.best)} and reached ${fmtNum(e.reached)}${runsWords(e.runs)}`;
    case 'range':
      return `${valueWords(e.parameter, e.value)} is the ${e.edge === 'max' ? 'most' : 'least'} the sweep searched; it did not test ${e.edge === 'max' ? 'beyond' : 'below'} it`;
    case 'data':
      return `${e.shared} example${e.shared === 1 ? '' : 's'} in both train and validation; the validation score cannot be trusted`;
    case 'untested':
      return 'the sweep did not test it';
  }
}

/** A move's parameter for this trial, and whether `v` lies in the move's direction from `from`. */
function moveParameter(move: Move, method: string | undefined): string | undefined {
  if (move.target === 'learning_rate' || move.target === 'epochs') return move.target;
  if (move.target === 'capacity') return capacityParameter(method);
  return undefined;
}

function movedThatWay(parameter: string, from: ParamValue, to: ParamValue, direction: Direction): boolean {
  if (parameter === 'method') {
    const a = METHOD_ORDER[String(from)];
    const b = METHOD_ORDER[String(to)];
    if (a === undefined || b === undefined) return false;
    return direction === 'up' ? b > a : b < a;
  }
  if (typeof from !== 'number' || typeof to !== 'number') return false;
  return direction === 'up' ? to > from : to < from;
}

const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The trial's own curve as evidence for a move, when it shows it. */
function curveEvidence(trial: TrialState, move: Move, flag: Flag, objective: Objective): Evidence | undefined {
  const pts = trial.epochs;
  if (move.target === 'epochs' && move.direction === 'down') {
    // Where the validation loss turned: its minimum before the last evaluation, and the last.
    const val = pts.filter((p) => finite(p.val_loss));
    if (val.length >= 2) {
      const min = val.reduce((m, p) => (p.val_loss! < m.val_loss! ? p : m));
      const last = val.at(-1)!;
      if (min !== last && last.val_loss! > min.val_loss!) return { kind: 'curve', metric: 'val_loss', trend: 'turned', points: [point(min, min.val_loss!), point(last, last.val_loss!)] };
    }
    return undefined;
  }
  if (move.target === 'epochs' && move.direction === 'up') {
    // The last evaluations (up to three) each better than the one before.
    const values = pts.flatMap((p) => {
      const v = p[objective.metric];
      return typeof v === 'number' && Number.isFinite(v) ? [point(p, v)] : [];
    });
    const tail = values.slice(-3);
    while (tail.length >= 2 && !tail.every((p, i) => i === 0 || compareValues(p.value, tail[i - 1].value, objective.goal) < 0)) tail.shift();
    return tail.length >= 2 ? { kind: 'curve', metric: objective.metric, trend: 'improving', points: tail } : undefined;
  }
  if (move.target === 'learning_rate' && (flag.name === 'diverged' || flag.name === 'underfitting')) {
    // The train loss from the first evaluation to where it blew up (or, flat, to the last).
    const train = pts.filter((p) => p.train_loss !== undefined);
    if (train.length === 0) return undefined;
    const at = flag.name === 'diverged' && flag.epoch !== undefined ? (train.find((p) => p.epoch === flag.epoch) ?? train.at(-1)!) : train.at(-1)!;
    const first = train[0];
    const points = (first === at ? [at] : [first, at]).map((p) => point(p, typeof p.train_loss === 'number' ? p.train_loss : Number.NaN));
    return { kind: 'curve', metric: 'train_loss', trend: 'loss', points };
  }
  return undefined;
}

const point = (p: { epoch: number; step?: unknown }, value: number): CurvePoint => (typeof p.step === 'number' ? { epoch: p.epoch, step: p.step, value } : { epoch: p.epoch, value });

/** The edge of the searched range the move would cross from the trial's value, if it sits on it. */
function rangeEvidence(parameter: string, v: ParamValue | undefined, direction: Direction, ranges: readonly SearchedRange[]): Evidence | undefined {
  const r = ranges.find((x) => x.name === parameter);
  if (!r || typeof v !== 'number') return undefined;
  if (direction === 'up' && v >= r.max) return { kind: 'range', parameter, edge: 'max', value: v };
  if (direction === 'down' && v <= r.min) return { kind: 'range', parameter, edge: 'min', value: v };
  return undefined;
}

interface Candidate {
  flag: Flag;
  move: Move;
  evidence: Evidence;
  order: number;
}

/** The evidence for one move, or undefined when the sweep tested the move and it did no better. */
function evidenceFor(me: AdviceTrial, flag: Flag, move: Move, method: string | undefined, ctx: AdviceContext): Evidence | undefined {
  const parameter = moveParameter(move, method);
  const params = me.trial.params;
  if (parameter !== undefined && params[parameter] !== undefined) {
    let tested = false;
    let best: AdviceTrial | undefined;
    for (const n of ctx.neighbours(params, parameter)) {
      if (n.trial === me.trial || !movedThatWay(parameter, params[parameter], n.trial.params[parameter], move.direction)) continue;
      if (n.value === undefined) continue;
      tested = true;
      const better = me.value === undefined || compareValues(n.value, me.value, ctx.objective.goal) < 0;
      if (better && (!best || compareValues(n.value, best.value!, ctx.objective.goal) < 0)) best = n;
    }
    if (best) {
      return {
        kind: 'neighbour',
        trial: best.trial.id,
        parameter,
        value: best.trial.params[parameter],
        reached: best.value!,
        ...(me.value !== undefined ? { gain: best.value! - me.value } : {}),
        ...(best.runs !== undefined ? { runs: best.runs } : {}),
      };
    }
    if (tested) return undefined;
  }
  const curve = curveEvidence(me.trial, move, flag, ctx.objective);
  if (curve) return curve;
  if (move.target === 'learning_rate' && typeof params.learning_rate === 'number') {
    const verdict = ctx.lrDirection(params.learning_rate);
    if (verdict?.best) {
      const b = verdict.best;
      return { kind: 'sweep', parameter: 'learning_rate', best: b.lr, trial: b.trial, reached: b.value, ...(b.runs !== undefined ? { runs: b.runs } : {}) };
    }
  }
  if (parameter !== undefined) {
    const edge = rangeEvidence(parameter, params[parameter], move.direction, ctx.ranges);
    if (edge) return edge;
  }
  return { kind: 'untested' };
}

/**
 * A learning-rate move as the sweep-wide verdict has it at the trial's rate: a verdict from
 * divergence or from the flags of a one-rate sweep sets the direction for every flag; one from the
 * best trial keeps only the moves that go its way; no verdict, no learning-rate move.
 */
function lrMove(me: AdviceTrial, move: Move, ctx: AdviceContext): Move | undefined {
  if (move.target !== 'learning_rate') return move;
  const lr = me.trial.params.learning_rate;
  if (typeof lr !== 'number') return move;
  const verdict = ctx.lrDirection(lr);
  if (!verdict) return undefined;
  if (!verdict.best) return verdict.direction === move.direction ? move : { target: 'learning_rate', direction: verdict.direction };
  return verdict.direction === move.direction ? move : undefined;
}

/** "Fewer epochs" for a trial of one epoch: nothing to take away (evaluations within an epoch come with the step axis). */
function belowOneEpoch(me: AdviceTrial, move: Move): boolean {
  const planned = me.trial.params.epochs;
  return move.target === 'epochs' && move.direction === 'down' && (typeof planned === 'number' ? planned : me.trial.epochs.length) <= 1;
}

/** The one recommendation of a trial, from its flags and the sweep's evidence; undefined with no flag or no move left. */
export function recommend(me: AdviceTrial, flags: readonly Flag[], ctx: AdviceContext, method: string | undefined): Recommendation | undefined {
  if (flags.length === 0) return undefined;
  const leak = flags.find((f) => f.name === 'leakage');
  const diverged = flags.find((f) => f.name === 'diverged');
  // A diverged trial: only its learning rate; else leakage first (fix the data before tuning on it).
  const judged = diverged ? [diverged] : leak ? [] : flags;
  if (!diverged && leak) {
    const evidence: Evidence = { kind: 'data', shared: ctx.leakage };
    return { flag: 'leakage', text: `remove the shared examples: ${evidenceWords(evidence)}`, evidence };
  }
  const candidates: Candidate[] = [];
  for (const flag of judged) {
    const moves = FLAG_MOVES[flag.name];
    moves.forEach((proposed, i) => {
      const move = flag.name === 'diverged' ? proposed : lrMove(me, proposed, ctx);
      if (!move || !fits(move, method) || belowOneEpoch(me, move)) return;
      const evidence = evidenceFor(me, flag, move, method, ctx);
      if (evidence) candidates.push({ flag, move, evidence, order: ADVICE_PRIORITY.indexOf(flag.name) * 10 + i });
    });
  }
  if (candidates.length === 0) return undefined;
  const gain = (c: Candidate): number => (c.evidence.kind === 'neighbour' && c.evidence.gain !== undefined ? Math.abs(c.evidence.gain) : 0);
  candidates.sort((a, b) => KIND_ORDER[a.evidence.kind] - KIND_ORDER[b.evidence.kind] || gain(b) - gain(a) || a.order - b.order);
  const c = candidates[0];
  return { flag: c.flag.name, text: `${moveWords(c.move, method, c.flag.name)}: ${evidenceWords(c.evidence)}`, evidence: c.evidence };
}
