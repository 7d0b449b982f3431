// The trial pool: runs one trial at a time per slot, where its trainer places it (trainers/): a
// piscina worker thread, a child process started with the slot's CUDA_VISIBLE_DEVICES, or inline
// in this thread. The pool knows trainers only by module URL. Events stream back as they happen; a
// failure of the trial, its thread or its process becomes a failed TrialRun, never a failure of
// the pool.
import { MessageChannel, type ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { loadTrainer } from '../trainers/registry.js';
import type { Trainer, TrialPlace } from '../trainers/trainer.js';
import type { TrialEvent } from '../trial/types.js';
import { runInChild } from './child-runner.js';
import { workerEntry } from './entries.js';
import type { FromTrial, ToTrial, TrialJob, TrialRun, WorkerTask } from './protocol.js';
import { describeError } from './protocol.js';
import type { Slot } from './slots.js';

export type { TrialJob, TrialRun };

export interface TrialPoolOptions {
  slots: Slot[];
  /** Limits of each worker thread (a JS heap over them fails the trial as out of memory). */
  resourceLimits?: ResourceLimits;
}

export interface RunOnSlotOptions {
  onEvent?: (event: TrialEvent) => void;
  /** Graceful stop: the trainer's AbortSignal fires; it checkpoints and returns 'stopped'. */
  stop?: AbortSignal;
  /** Hard stop: the thread is terminated, the process killed, an inline trainer told (second Ctrl-C, a stop that hangs). */
  kill?: AbortSignal;
}

export class TrialPool {
  readonly slots: readonly Slot[];
  readonly #piscina: Piscina;
  readonly #busy = new Set<number>();

  constructor(options: TrialPoolOptions) {
    if (options.slots.length === 0) throw new RangeError('a trial pool needs at least one slot');
    this.slots = options.slots;
    this.#piscina = new Piscina({
      filename: workerEntry,
      minThreads: 0,
      maxThreads: options.slots.length,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      resourceLimits: options.resourceLimits,
    });
    // A worker that dies between tasks is replaced by piscina; nothing to fail.
    this.#piscina.on('error', () => {});
  }

  /** Where a trial runs: its trainer's choice. */
  static async placeOf(job: TrialJob): Promise<TrialPlace> {
    return (await loadTrainer(job.trainer)).place(job.config);
  }

  /** Run one trial on a slot. A slot runs one trial at a time. */
  async run(slot: Slot, job: TrialJob, opts: RunOnSlotOptions = {}): Promise<TrialRun> {
    if (this.#busy.has(slot.id)) throw new Error(`slot ${slot.id} is already running a trial`);
    this.#busy.add(slot.id);
    const onEvent = opts.onEvent ?? (() => {});
    const stop = opts.stop ?? new AbortController().signal;
    const kill = opts.kill ?? new AbortController().signal;
    try {
      let trainer: Trainer;
      try {
        trainer = await loadTrainer(job.trainer);
      } catch (err) {
        return { ok: false, error: describeError(err) };
      }
      const place = trainer.place(job.config);
      if (place === 'child') return await runInChild(job, { ...gpusOf(slot), onEvent, stop, kill });
      if (place === 'inline') return await runInline(trainer, job, onEvent, stop, kill);
      return await this.#runInThread(job, onEvent, stop, kill);
    } finally {
      this.#busy.delete(slot.id);
    }
  }

  async #runInThread(job: TrialJob, onEvent: (e: TrialEvent) => void, stop: AbortSignal, kill: AbortSignal): Promise<TrialRun> {
    const { port1, port2 } = new MessageChannel();
    let final: TrialRun | undefined;
    // The trial's last message, or the port closing (the thread ended, even abnormally).
    const ended = new Promise<void>((resolve) => {
      port1.on('message', (msg: FromTrial) => {
        if (msg.type === 'event') onEvent(msg.event);
        else if (msg.type === 'result') final = { ok: true, result: msg.result };
        else final = { ok: false, error: msg.error };
        if (msg.type !== 'event') resolve();
      });
      port1.on('close', () => resolve());
    });
    const onStop = (): void => port1.postMessage({ type: 'stop', reason: String(stop.reason ?? 'stopped') } satisfies ToTrial);
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) onStop();
    const task: WorkerTask = { job, port: port2 };
    let taskError: unknown;
    try {
      await this.#piscina.run(task, { transferList: [port2], signal: kill });
    } catch (err) {
      taskError = err;
    }
    stop.removeEventListener('abort', onStop);
    // The trial's last message may still be in flight (a thread that reported an out-of-memory
    // error and then ended itself): wait for it, or for the port to close with the thread.
    if (taskError === undefined) await ended;
    else await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    port1.close();
    if (final) return final;
    if (taskError !== undefined) {
      const error = describeError(taskError);
      if (kill.aborted) error.message = `trial killed: ${String(kill.reason ?? 'hard stop')}`;
      else if (/^worker exited/.test(error.message)) error.message = `trial thread ${error.message.replace(/^worker /, '')}`;
      return { ok: false, error };
    }
    return { ok: false, error: { name: 'Error', message: 'trial ended without a result', outOfMemory: false, input: false } };
  }

  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}

/** An inline trainer runs in this thread: it gets the stop and the kill signal and must honour both. */
async function runInline(trainer: Trainer, job: TrialJob, onEvent: (e: TrialEvent) => void, stop: AbortSignal, kill: AbortSignal): Promise<TrialRun> {
  try {
    return { ok: true, result: await trainer.run(job.config, { signal: stop, kill, onEvent }) };
  } catch (err) {
    const error = describeError(err);
    if (kill.aborted) error.message = `trial killed: ${String(kill.reason ?? 'hard stop')}`;
    return { ok: false, error };
  }
}

/** The slot's GPUs (a slot built with only its first GPU has that one). */
function gpusOf(slot: Slot): { gpus?: number[] } {
  const gpus = slot.gpus ?? (slot.gpu !== undefined ? [slot.gpu] : undefined);
  return gpus !== undefined ? { gpus } : {};
}
