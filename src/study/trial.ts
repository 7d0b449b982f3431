// A trial of a library study, as the objective function (define-by-run) or an ask/tell loop sees
// it: its id, seed and parameters, the suggest calls that draw them, report() and shouldStop().
// What it does is the study's (study.ts): a Trial only carries its identity and forwards.
import type { EpochMetrics, ParamValue, Params } from '../trial/types.js';
import { categoricalDistribution, numericDistribution, type Distribution, type NumericOptions } from './space.js';

/**
 * What a trial reports at a step: the objective's value, or named metrics (the objective's among
 * them). An epoch of fineTune (EpochMetrics: its `epoch` equal to the step, per-step `steps`) passes as it is.
 */
export type Metrics = number | Readonly<Record<string, number>> | Readonly<EpochMetrics>;

/** The study's side of a trial (implemented by Study). */
export interface TrialHost {
  suggest(trial: Trial, name: string, d: Distribution): ParamValue;
  report(trial: Trial, step: number, metrics: Metrics): Promise<void>;
  shouldStop(trial: Trial): Promise<boolean>;
  paramsOf(trial: Trial): Params;
}

export class Trial {
  /** The trial's id in the journal and the report (t000, t001, …). */
  readonly id: string;
  /** 0-based position in the study. */
  readonly index: number;
  /** A seed for the trial's own randomness, derived from the study's seed and the trial's id (as a CLI trial's). */
  readonly seed: number;
  /** 1 for a first attempt; a failed trial asked again (retry, or a process that died) counts up. */
  readonly attempt: number;
  readonly #host: TrialHost;

  private constructor(host: TrialHost, init: { id: string; index: number; seed: number; attempt: number }) {
    this.#host = host;
    this.id = init.id;
    this.index = init.index;
    this.seed = init.seed;
    this.attempt = init.attempt;
  }

  /** @internal Study.ask makes trials; a program gets them from ask() or optimize(). */
  static create(host: TrialHost, init: { id: string; index: number; seed: number; attempt: number }): Trial {
    return new Trial(host, init);
  }

  /** The parameters suggested (or fixed) so far. */
  get params(): Readonly<Params> {
    return { ...this.#host.paramsOf(this) };
  }

  /** A float in [low, high]; `log` draws in log space, `step` gives multiples of step. */
  suggestFloat(name: string, low: number, high: number, opts?: NumericOptions): number {
    return this.#host.suggest(this, name, numericDistribution('float', name, low, high, opts)) as number;
  }

  /** An integer in [low, high]; `log` draws in log space, `step` gives multiples of step. */
  suggestInt(name: string, low: number, high: number, opts?: NumericOptions): number {
    return this.#host.suggest(this, name, numericDistribution('int', name, low, high, opts)) as number;
  }

  /** One of `choices`. */
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return this.#host.suggest(this, name, categoricalDistribution(name, choices)) as T;
  }

  /**
   * Records an evaluation at `step` (an integer >= 1, increasing): durable once the promise
   * resolves, read by the early-stopping rule, the diagnosis and the report as an epoch is.
   */
  report(step: number, metrics: Metrics): Promise<void> {
    return this.#host.report(this, step, metrics);
  }

  /** True once the early-stopping rule stopped this trial, or the study's run was stopped (signal, timeout). */
  shouldStop(): Promise<boolean> {
    return this.#host.shouldStop(this);
  }
}
