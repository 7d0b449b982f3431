// The built-in engine as a call: fineTune(config) runs the one trial `finesweep train --config`
// runs (the same config, the same engine, the same checkpoint and resume), so a program can tune
// it in-process with createStudy. The config's reading lives here once: `finesweep train` reads
// its JSON file through trialConfigOf too.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import type { BackendChoice, TrialConfig } from '../engine/types.js';
import type { EngineTask, Method } from '../trial/method.js';
import type { EpochMetrics, TrialEvent, TrialResult } from '../trial/types.js';

/** A fine-tune as `finesweep train --config` takes it; omitted fields take the spec's defaults. */
export interface FineTuneConfig {
  trialId?: string;
  /** The trial's seed (initialisation, shuffling); with a study, `trial.seed`. */
  seed?: number;
  task: {
    type: EngineTask;
    /** The base model directory (the shipped one: BASE_MODEL). */
    model: string;
    data: {
      train: string;
      validation?: string;
      /** Held out for validation when there is no validation file (default 0.2). */
      split?: number;
      textField?: string;
      labelField?: string;
      maxExamples?: number;
      maxLength?: number;
      shots?: number;
    };
    /** full (default), head, top_k or lora. */
    method?: Method;
    topK?: number;
    /** Measure general-text perplexity before and after (default true). */
    forgetting?: boolean;
  };
  params: TrialConfig['params'];
  /** auto (default), tensorflow-gpu, tensorflow, wasm or cpu. */
  backend?: BackendChoice;
  /** The trial's directory (its checkpoint, for resume); default: a new temporary directory. */
  dir?: string;
}

export interface FineTuneOptions {
  /** Stops training at the next batch: the result's outcome is 'stopped' (the checkpoint resumes it). */
  signal?: AbortSignal;
  /**
   * Each epoch's metrics (val_loss, train_loss, val_accuracy, …) as it ends. A promise returned
   * (e.g. `trial.report(m.epoch, m)`) is awaited, in order, before fineTune resolves.
   */
  onEvaluation?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Every event of the trial (backend chosen, data report, per-step loss, logs). */
  onEvent?: (event: TrialEvent) => void;
  /** Where relative paths in the config point (default: the working directory). */
  baseDir?: string;
}

const METHODS: readonly Method[] = ['full', 'head', 'top_k', 'lora'];
const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The base model shipped with finesweep (models/base): the default of `finesweep init`'s specs. */
export const BASE_MODEL: string = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../models/base' : '../../../models/base', import.meta.url));

/**
 * The engine's TrialConfig from a config object: paths resolved from `base`, defaults filled, and
 * an InputError naming `where` and the field for anything else.
 */
export function trialConfigOf(raw: unknown, opts: { base: string; where: string; backend?: string; dir: string }): TrialConfig {
  const { base, where } = opts;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${where}: expected an object (a trial config)`);
  type TaskIn = Partial<Omit<TrialConfig['task'], 'data'>> & { data?: Partial<TrialConfig['task']['data']> };
  const c = raw as Partial<Omit<TrialConfig, 'task'>> & { task?: TaskIn };
  const at = (p: string | undefined, field: string): string => {
    if (typeof p !== 'string' || p === '') throw new InputError(`${where}: ${field}: expected a path`);
    return resolve(base, p);
  };
  const task: TaskIn = c.task ?? {};
  const data: Partial<TrialConfig['task']['data']> = task.data ?? {};
  if (task.type !== 'classification' && task.type !== 'causal-lm') {
    throw new InputError(`${where}: task.type: expected "classification" or "causal-lm", got ${JSON.stringify(task.type)}`);
  }
  const method = task.method ?? 'full';
  if (!METHODS.includes(method)) throw new InputError(`${where}: task.method: expected "full", "head", "top_k" or "lora", got ${JSON.stringify(method)}`);
  const chosen = (opts.backend ?? c.backend ?? 'auto') as BackendChoice;
  if (!BACKENDS.includes(chosen)) throw new InputError(`--backend: expected one of ${BACKENDS.join(', ')}, got "${chosen}"`);
  if (!c.params || typeof c.params !== 'object') throw new InputError(`${where}: params: expected an object with learning_rate, batch_size, epochs`);
  const split = data.split ?? 0.2;
  if (!(split > 0 && split < 1)) throw new InputError(`${where}: task.data.split: expected a number between 0 and 1, got ${split}`);
  return {
    trialId: c.trialId ?? 'train',
    seed: c.seed ?? 0,
    task: {
      type: task.type,
      model: at(task.model, 'task.model'),
      data: {
        train: at(data.train, 'task.data.train'),
        validation: data.validation === undefined ? undefined : at(data.validation, 'task.data.validation'),
        split,
        textField: data.textField ?? 'text',
        labelField: data.labelField ?? 'label',
        maxExamples: data.maxExamples,
        maxLength: data.maxLength,
        ...(data.shots !== undefined ? { shots: data.shots } : {}),
      },
      method,
      topK: task.topK ?? 1,
      forgetting: task.forgetting ?? true,
    },
    params: c.params,
    backend: chosen,
    dir: opts.dir,
  };
}

/**
 * Runs one fine-tune of the built-in TensorFlow.js engine to its end (completed, diverged, or
 * stopped by the signal) and returns its result; bad config is an InputError naming the field.
 */
export async function fineTune(config: FineTuneConfig, opts: FineTuneOptions = {}): Promise<TrialResult> {
  const base = opts.baseDir ?? process.cwd();
  const dir = config?.dir !== undefined ? resolve(base, config.dir) : await mkdtemp(join(tmpdir(), 'finesweep-finetune-'));
  const trial = trialConfigOf(config, { base, where: 'fineTune config', dir });
  // Loaded on the first call: importing finesweep does not load TensorFlow.js.
  const { runTrial } = await import('../engine/trial.js');
  let reported: Promise<void> = Promise.resolve();
  let failed: unknown;
  const result = await runTrial(trial, {
    signal: opts.signal,
    onEvent: (e) => {
      opts.onEvent?.(e);
      if (e.type === 'epoch' && opts.onEvaluation) {
        const metrics = e.metrics;
        reported = reported.then(() => opts.onEvaluation?.(metrics)).catch((err: unknown) => void (failed ??= err));
      }
    },
  });
  await reported;
  if (failed !== undefined) throw failed;
  return result;
}
