// Define-by-run: study.optimize(fn) asks a trial, calls fn(trial), tells what it returned, with
// `concurrency` calls in flight, until `trials` new trials have run (failed trials owed a retry
// are asked again on top), the timeout passes or the signal fires. A stop (signal, timeout) lets
// the calls in flight finish: shouldStop() turns true, and a trial that returns after seeing it is
// recorded stopped, so a continued study asks it again.
import { InputError } from '../errors.js';
import type { Study } from './study.js';
import type { Trial } from './trial.js';

/** What the objective returns: its value (two for a two-metric objective), or nothing (its best reported value). */
export type ObjectiveResult = number | readonly [number, number] | void | undefined;

export interface OptimizeOptions {
  /** New trials to run (default 1). */
  trials?: number;
  /** Objective calls in flight at once (default 1): they share this thread, so they overlap while they await. */
  concurrency?: number;
  /** Stop asking after this many seconds; the calls in flight see shouldStop() true. */
  timeoutSeconds?: number;
  /** Aborting stops the run as the timeout does. */
  signal?: AbortSignal;
}

export async function optimize(study: Study, fn: (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>, opts: OptimizeOptions = {}): Promise<void> {
  if (typeof fn !== 'function') throw new InputError('optimize: expected a function (trial) => value');
  const trials = opts.trials ?? 1;
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(trials) || trials < 0) throw new InputError(`optimize: trials: expected an integer >= 0, got ${JSON.stringify(opts.trials)}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`optimize: concurrency: expected an integer >= 1, got ${JSON.stringify(opts.concurrency)}`);
  if (opts.timeoutSeconds !== undefined && !(opts.timeoutSeconds > 0)) throw new InputError(`optimize: timeoutSeconds: expected a number > 0, got ${JSON.stringify(opts.timeoutSeconds)}`);

  const stop = new AbortController();
  const onAbort = (): void => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) return;
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutSeconds === undefined ? undefined : setTimeout(() => stop.abort(new Error('timeout')), opts.timeoutSeconds * 1000);
  timer?.unref();
  let launched = 0;
  let fatal: unknown;

  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && fatal === undefined) {
      if (launched >= trials && !study.retriesOwed) return;
      const fresh = !study.retriesOwed;
      if (fresh) launched++;
      const trial = await study.ask();
      study.bindInterrupt(trial, stop.signal);
      try {
        await runOne(study, trial, fn, stop.signal);
      } catch (err) {
        // Bad input (a suggest mismatch, a wrong return type) or a failed write: the run stops.
        fatal ??= err;
        stop.abort(err);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (fatal !== undefined) throw fatal;
}

async function runOne(study: Study, trial: Trial, fn: (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>, signal: AbortSignal): Promise<void> {
  let value: ObjectiveResult;
  try {
    value = await fn(trial);
  } catch (err) {
    if (err instanceof InputError) {
      await study.failedOnInput(trial, err.message);
      throw err;
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return study.tell(trial, { state: 'failed', error: message });
  }
  const state = study.runState(trial);
  // The scheduler's stop is a recorded decision: the trial ends stopped early, whatever it returned.
  if (state.stopped) return study.tell(trial, { state: 'stopped' });
  if (state.sawInterrupt) return study.interrupted(trial, `the study's run was stopped (${signal.reason instanceof Error ? signal.reason.message : 'signal'})`);
  if (value === undefined) {
    const best = study.bestReported(trial);
    if (best === undefined) {
      const message = `trial ${trial.id}: the objective returned nothing and reported no ${study.options.objective.metric}`;
      await study.failedOnInput(trial, message);
      throw new InputError(message);
    }
    value = best;
  }
  try {
    await study.tell(trial, value as number | readonly [number, number]);
  } catch (err) {
    // A return value of the wrong shape: the trial fails for good and the run stops.
    if (err instanceof InputError) await study.failedOnInput(trial, err.message);
    throw err;
  }
}
