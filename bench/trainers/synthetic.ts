// Synthetic trainers: no training, for the orchestration benchmark and the fault tests. Not part
// of the product: tests and benchmarks pass one of bench/trainers/<kind>.ts as the sweep's trainer
// (runSweep's `trainer` option, the CLI's hidden --trainer). Each behaves like a real trainer seen
// from outside: events, an AbortSignal honoured at "batch" boundaries, a result or a throw.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../src/atomic-write.js';
import type { Trainer, TrainerRunOptions, TrialPlace, TrialRequest } from '../../src/trainers/trainer.js';
import type { EpochMetrics, Params, TrialResult } from '../../src/trial/types.js';

export const SYNTHETIC_KINDS = ['noop', 'throw', 'nan', 'hang', 'exit', 'devices', 'oom'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

export interface SyntheticConfig {
  kind: SyntheticKind;
  trialId: string;
  params: Params;
  /** The trial directory (checkpoint/ inside it). */
  dir: string;
  /** Where it runs: a GPU-pinned 'devices' trial needs a process of its own; a test may ask for one. */
  place?: TrialPlace;
}

/** The synthetic trainer of one kind (bench/trainers/<kind>.ts default-exports it). */
export function syntheticTrainer(kind: SyntheticKind): Trainer<SyntheticConfig> {
  return {
    name: `synthetic-${kind}`,
    place: (config) => config.place ?? 'thread',
    configure: (_task: unknown, request: TrialRequest): SyntheticConfig => ({
      kind,
      trialId: request.trialId,
      params: request.params,
      dir: request.dir,
      ...(kind === 'devices' && request.gpus ? { place: 'child' as const } : {}),
    }),
    run: (config, opts) => runSynthetic(config, opts),
  };
}

type TrialConfig = SyntheticConfig;
type RunTrialOptions = { signal?: AbortSignal; kill?: AbortSignal; onEvent?: TrainerRunOptions['onEvent'] };

export async function runSynthetic(config: SyntheticConfig, opts: RunTrialOptions): Promise<TrialResult> {
  switch (config.kind) {
    case 'noop':
      return noop(config, opts);
    case 'throw':
      // params.error_message: e.g. wasm's "Aborted(OOM)", to exercise the out-of-memory path.
      throw new Error(typeof config.params.error_message === 'string' ? config.params.error_message : `synthetic failure of trial ${config.trialId}`);
    case 'nan':
      return nan(config, opts);
    case 'hang':
      // params.ignore_stop: a trial stuck where it never reaches a batch boundary (only a kill ends it).
      // An inline trial also ends on the hard stop (threads and processes are killed instead).
      await Promise.race([aborted(config.params.ignore_stop === true ? undefined : opts.signal), aborted(opts.kill)]);
      if (opts.kill?.aborted) throw new Error(`synthetic trial ${config.trialId} killed: ${String(opts.kill.reason)}`);
      return result(config, 'stopped', [], String(opts.signal?.reason ?? 'stopped'));
    case 'exit':
      // In a worker thread this ends the thread only; in a child process, the process.
      process.exit(3);
    case 'devices':
      return devices(config, opts);
    case 'oom':
      // params.oom_above: only a batch_size above it runs out of memory (a smaller retry completes).
      if (typeof config.params.oom_above === 'number' && Number(config.params.batch_size) <= config.params.oom_above) return noop(config, opts);
      return exhaustHeap();
  }
}

/** A deterministic pseudo-loss from the parameters: best near lr 1e-3, slightly worse for big batches. */
export function noopLoss(params: Params, epoch: number): number {
  const lr = Math.log10(Number(params.learning_rate));
  return 0.5 + (lr + 3) ** 2 * 0.1 + Number(params.batch_size) / 1000 + 0.2 / epoch;
}

async function noop(config: TrialConfig, opts: RunTrialOptions): Promise<TrialResult> {
  const epochs = Math.max(1, Math.floor(Number(config.params.epochs)));
  const gate = typeof config.params.gate_file === 'string' ? config.params.gate_file : undefined;
  // A multi-epoch synthetic trial keeps a checkpoint (the epochs reached, with their metrics, as
  // the engine's does) so that resume can be shown; its result lists every epoch, restored ones too.
  const all: EpochMetrics[] = epochs > 1 ? await readCheckpoint(config.dir) : [];
  const done = all.length;
  if (done > 0) opts.onEvent?.({ type: 'resumed', fromEpoch: done });
  // params.pause_ms: how long each epoch "trains", so that a scheduler's decision can land mid-trial.
  const pauseMs = Number(config.params.pause_ms ?? 0);
  for (let epoch = done + 1; epoch <= epochs; epoch++) {
    if (gate && epoch > 1) await fileExists(gate, opts.signal);
    if (pauseMs > 0) await delay(pauseMs);
    if (opts.signal?.aborted) return result(config, 'stopped', all, String(opts.signal.reason));
    const loss = noopLoss(config.params, epoch);
    const metrics: EpochMetrics = { epoch, train_loss: loss * 0.9, val_loss: loss, val_accuracy: 1 / (1 + loss), seconds: 0 };
    all.push(metrics);
    if (epochs > 1) await writeCheckpoint(config.dir, all);
    opts.onEvent?.({ type: 'epoch', metrics });
  }
  return result(config, 'completed', all);
}

async function nan(config: TrialConfig, opts: RunTrialOptions): Promise<TrialResult> {
  opts.onEvent?.({ type: 'step', epoch: 1, step: 1, stepsPerEpoch: 2, loss: Number.NaN });
  return result(config, 'diverged', [], 'loss is NaN at epoch 1, step 1');
}

/**
 * Reports the CUDA_VISIBLE_DEVICES it sees, and records its start and end in a shared file
 * (params.marker_file) so a test can see which trials overlapped. It holds until
 * params.hold_starts trials have started (or it is stopped), so that concurrency is observable.
 */
async function devices(config: TrialConfig, opts: RunTrialOptions): Promise<TrialResult> {
  const seen = process.env.CUDA_VISIBLE_DEVICES ?? '';
  const marker = typeof config.params.marker_file === 'string' ? config.params.marker_file : undefined;
  const hold = Number(config.params.hold_starts ?? 0);
  opts.onEvent?.({ type: 'log', message: `CUDA_VISIBLE_DEVICES=${seen}` });
  if (marker) {
    await appendFile(marker, `start ${config.trialId} ${seen} ${process.pid}\n`);
    while (!opts.signal?.aborted) {
      const text = await readFile(marker, 'utf8');
      if (text.split('\n').filter((l) => l.startsWith('start ')).length >= hold) break;
      await delay(10);
    }
    await appendFile(marker, `end ${config.trialId} ${seen}\n`);
  }
  const metrics: EpochMetrics = { epoch: 1, train_loss: 1, val_loss: 1, seconds: 0 };
  opts.onEvent?.({ type: 'epoch', metrics });
  return result(config, 'completed', [metrics]);
}

/** Allocates until the JS heap is exhausted (run under resourceLimits: the thread dies). */
function exhaustHeap(): never {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(1 << 20).fill(hoard.length));
}

function result(config: TrialConfig, outcome: TrialResult['outcome'], epochs: EpochMetrics[], reason?: string): TrialResult {
  return { trialId: config.trialId, outcome, reason, epochs, backend: 'cpu', seconds: 0 };
}

async function readCheckpoint(dir: string): Promise<EpochMetrics[]> {
  try {
    const state = JSON.parse(await readFile(join(dir, 'checkpoint', 'state.json'), 'utf8')) as { epochs?: EpochMetrics[] };
    return Array.isArray(state.epochs) ? state.epochs : [];
  } catch {
    return [];
  }
}

async function writeCheckpoint(dir: string, epochs: EpochMetrics[]): Promise<void> {
  const cp = join(dir, 'checkpoint');
  await mkdir(cp, { recursive: true });
  await atomicWrite(join(cp, 'state.json'), JSON.stringify({ epochs }), { durable: false });
}

async function fileExists(path: string, signal?: AbortSignal): Promise<void> {
  while (!signal?.aborted) {
    try {
      await readFile(path);
      return;
    } catch {
      await delay(20);
    }
  }
}

function aborted(signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
