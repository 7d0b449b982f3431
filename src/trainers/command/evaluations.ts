// Reports (numbers by name, read from the program's output) -> evaluations, in order. Pure.
//
// A report's `step` (the optimizer step, an integer >= 1) and/or `epoch` (the training progress,
// fractional mid-epoch) mark the evaluation it belongs to, as trial/types.ts's EpochMetrics has them.
// Marks must move forward: a step that goes back, an epoch that goes back, or lines that mix marks
// with and without a step are refused naming the line. A trainer that reports whole epochs only keeps
// the first protocol's rule (epoch n+1 after epoch n). A line with a step and no epoch is placed at
// epoch step / max_steps (its share of the step budget), so that every evaluation has its progress.
import type { EpochMetrics } from './port.js';
import { isLossMetric } from './protocol.js';
import type { Values } from './formats/index.js';

export interface Mark {
  step?: number;
  epoch?: number;
}

/** Where a trial resumes: its last journaled evaluation (epoch 0 = a fresh start). */
export interface ResumePoint {
  epoch: number;
  step?: number;
}

export interface SequencerOptions {
  resume: ResumePoint;
  /** Each report is a whole evaluation (jsonl); otherwise reports at one mark are gathered. */
  oneLineOneEvaluation: boolean;
  /** The objective's metric: a gathered evaluation is recorded as soon as it has it. */
  objective?: string;
  /** The trial's max_steps parameter: the epoch of a line that reports only its step. */
  maxSteps?: number;
}

export type Outcome =
  | { kind: 'ok' }
  | { kind: 'failure'; why: string }
  | { kind: 'diverged'; reason: string }
  /** Metrics that came after their evaluation was recorded: said in the log, not recorded. */
  | { kind: 'late'; names: string[] };

const OK: Outcome = { kind: 'ok' };

const isInt = (x: number | undefined): x is number => x !== undefined && Number.isInteger(x);

function describeMark(m: Mark): string {
  if (m.step !== undefined) return m.epoch !== undefined ? `step ${m.step} (epoch ${m.epoch})` : `step ${m.step}`;
  return `epoch ${m.epoch}`;
}

/** Whether two marks name one evaluation: the same step, or (one without a step) the same epoch. */
function sameMark(a: Mark, b: Mark): boolean {
  if (a.step !== undefined && b.step !== undefined) return a.step === b.step;
  if (a.step === undefined && b.step === undefined) return a.epoch === b.epoch;
  return a.epoch !== undefined && a.epoch === b.epoch;
}

/** A mark that is a whole epoch and no step: the first protocol. */
const wholeEpoch = (m: Mark): boolean => m.step === undefined && isInt(m.epoch);

export class EvaluationSequencer {
  readonly #opts: SequencerOptions;
  readonly #emit: (metrics: EpochMetrics) => void;
  #count = 0;
  #last: Mark | undefined;
  #pending: { mark: Mark; metrics: Record<string, number> } | undefined;
  /** Metrics read before any mark (a pattern that matches before the step line): they join the next one. */
  #unmarked: Record<string, number> = {};
  #everStep: boolean | undefined;

  constructor(opts: SequencerOptions, emit: (metrics: EpochMetrics) => void) {
    this.#opts = opts;
    this.#emit = emit;
    const r = opts.resume;
    if (r.epoch > 0) this.#last = { epoch: r.epoch, ...(r.step !== undefined ? { step: r.step } : {}) };
  }

  /** How many evaluations this attempt recorded, and the mark of the last one (or of the resume point). */
  get last(): { count: number; mark: Mark | undefined } {
    return { count: this.#count, mark: this.#last };
  }

  /** One report; `toNext`: its unmarked numbers belong to the next evaluation, not the open one. */
  add(values: Values, toNext = false): Outcome {
    const { step, epoch, ...rest } = values;
    if (step !== undefined && (!Number.isInteger(step) || step < 1)) return { kind: 'failure', why: `"step" must be an integer >= 1, got ${step}` };
    if (epoch !== undefined && (!Number.isFinite(epoch) || epoch < 0)) return { kind: 'failure', why: `"epoch" must be a number >= 0, got ${epoch}` };
    const metrics: Record<string, number> = {};
    for (const [name, v] of Object.entries(rest)) {
      if (Number.isFinite(v)) metrics[name] = v;
      // A non-finite value cannot be journaled (JSON has no NaN); only a loss's means divergence.
      else if (isLossMetric(name)) {
        const at = step !== undefined || epoch !== undefined ? ` at ${describeMark({ step, epoch })}` : '';
        return { kind: 'diverged', reason: `${name} became ${v}${at}` };
      }
    }
    if (step === undefined && epoch === undefined) {
      if (this.#opts.oneLineOneEvaluation) return { kind: 'failure', why: '"step" or "epoch" is missing (each line is one evaluation: {"step": 200, "epoch": 0.5, "val_loss": ...})' };
      if (this.#pending !== undefined && !toNext) Object.assign(this.#pending.metrics, metrics);
      else Object.assign(this.#unmarked, metrics);
      return OK;
    }
    const mark: Mark = { ...(step !== undefined ? { step } : {}), ...(epoch !== undefined ? { epoch } : {}) };
    // On resume, a program that starts again from scratch reports the journaled evaluations once more.
    if (this.#atOrBeforeResume(mark)) return OK;
    if (this.#pending !== undefined && sameMark(this.#pending.mark, mark)) {
      Object.assign(this.#pending.metrics, metrics);
      this.#pending.mark = { ...mark, ...this.#pending.mark };
      return this.#ready() ? this.#flush() : OK;
    }
    if (this.#pending !== undefined) {
      const flushed = this.#flush();
      if (flushed.kind !== 'ok') return flushed;
    }
    const order = this.#orderProblem(mark);
    if (order === 'late') return { kind: 'late', names: Object.keys(metrics) };
    if (order !== undefined) return { kind: 'failure', why: order };
    this.#pending = { mark, metrics: { ...this.#unmarked, ...metrics } };
    this.#unmarked = {};
    return this.#opts.oneLineOneEvaluation || this.#ready() ? this.#flush() : OK;
  }

  /** The program ended: a gathered evaluation still open is recorded. */
  finish(): Outcome {
    return this.#pending !== undefined ? this.#flush() : OK;
  }

  #atOrBeforeResume(mark: Mark): boolean {
    const r = this.#opts.resume;
    if (r.epoch <= 0) return false;
    if (mark.step !== undefined && r.step !== undefined) return mark.step <= r.step;
    if (mark.epoch !== undefined) return mark.epoch <= r.epoch;
    return false;
  }

  /** Why `mark` cannot follow the last one ('late' for the mark of an evaluation already recorded). */
  #orderProblem(mark: Mark): string | 'late' | undefined {
    const hasStep = mark.step !== undefined;
    if (this.#everStep !== undefined && this.#everStep !== hasStep) {
      return hasStep ? `a "step" after lines without one: report "step" on every line or on none` : `"step" is missing (earlier lines had one)`;
    }
    this.#everStep = hasStep;
    const prev = this.#last ?? { epoch: 0 };
    if (this.#last !== undefined && sameMark(prev, mark)) return this.#opts.oneLineOneEvaluation ? `${describeMark(mark)} again: each line is a new evaluation` : 'late';
    if (mark.step !== undefined && prev.step !== undefined && mark.step < prev.step) return `step ${mark.step} after step ${prev.step}: steps must increase`;
    if (mark.epoch !== undefined && prev.epoch !== undefined && mark.epoch < prev.epoch) return `epoch ${mark.epoch} after epoch ${prev.epoch}: epochs must not go back`;
    // The first protocol: whole epochs, one after the other from 1 (or from the resume point).
    if (this.#opts.oneLineOneEvaluation && wholeEpoch(mark) && (this.#last === undefined || wholeEpoch(prev)) && mark.epoch !== prev.epoch! + 1) {
      return `expected epoch ${prev.epoch! + 1}, got epoch ${mark.epoch}`;
    }
    return undefined;
  }

  #ready(): boolean {
    const o = this.#opts.objective;
    return o !== undefined && this.#pending !== undefined && o in this.#pending.metrics;
  }

  #flush(): Outcome {
    const p = this.#pending!;
    this.#pending = undefined;
    let epoch = p.mark.epoch;
    if (epoch === undefined) {
      const max = this.#opts.maxSteps;
      if (max === undefined) return { kind: 'failure', why: `"epoch" is missing at step ${p.mark.step}: report the epoch reached (fractional mid-epoch) with each step, or sweep max_steps (an epoch is then step / max_steps)` };
      epoch = p.mark.step! / max;
    }
    this.#count++;
    this.#last = p.mark;
    const metrics: EpochMetrics = { epoch };
    if (p.mark.step !== undefined) metrics.step = p.mark.step;
    Object.assign(metrics, p.metrics);
    this.#emit(metrics);
    return OK;
  }
}
