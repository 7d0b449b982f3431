// The trial pool: runs one trial at a time per slot. Trials on wasm/cpu run in piscina worker
// threads; trials on a native tfjs backend (and GPU-pinned 'devices' trials) run in a child process
// started with the slot's CUDA_VISIBLE_DEVICES. Events stream back as they happen; a failure of the
// trial, its thread or its process becomes a failed TrialRun, never a failure of the pool.
import { createRequire } from 'node:module';
import { MessageChannel, type ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TrialConfig, TrialEvent, TrialResult } from '../engine/types.js';
import { runInChild } from './child-runner.js';
import { workerEntry } from './entries.js';
import type { FromTrial, ToTrial, TrialErrorInfo, WorkerTask } from './protocol.js';
import { describeError } from './protocol.js';
import type { Slot } from './slots.js';

export type TrialRun = { ok: true; result: TrialResult } | { ok: false; error: TrialErrorInfo };

export interface TrialPoolOptions {
  slots: Slot[];
  /** Limits of each worker thread (a JS heap over them fails the trial as out of memory). */
  resourceLimits?: ResourceLimits;
}

export interface RunOnSlotOptions {
  onEvent?: (event: TrialEvent) => void;
  /** Graceful stop: the trainer's AbortSignal fires; it checkpoints and returns 'stopped'. */
  stop?: AbortSignal;
  /** Hard stop: the thread is terminated or the process killed (second Ctrl-C, a stop that hangs). */
  kill?: AbortSignal;
}

export type TrialPlace = 'thread' | 'child';

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

  /** Where a trial on this slot runs: native tfjs and GPU-pinned device probes need a process. */
  static placeOf(config: TrialConfig, slot: Slot): TrialPlace {
    if (config.kind === 'devices' && slot.gpu !== undefined) return 'child';
    if (config.backend === 'tensorflow' || config.backend === 'tensorflow-gpu') return 'child';
    if (config.backend === 'auto' && (config.kind ?? 'train') === 'train' && nativeTfjsInstalled()) return 'child';
    return 'thread';
  }

  /** Run one trial on a slot. A slot runs one trial at a time. */
  async run(slot: Slot, config: TrialConfig, opts: RunOnSlotOptions = {}): Promise<TrialRun> {
    if (this.#busy.has(slot.id)) throw new Error(`slot ${slot.id} is already running a trial`);
    this.#busy.add(slot.id);
    const onEvent = opts.onEvent ?? (() => {});
    const stop = opts.stop ?? new AbortController().signal;
    const kill = opts.kill ?? new AbortController().signal;
    try {
      if (TrialPool.placeOf(config, slot) === 'child') return await runInChild(config, { gpu: slot.gpu, onEvent, stop, kill });
      return await this.#runInThread(config, onEvent, stop, kill);
    } finally {
      this.#busy.delete(slot.id);
    }
  }

  async #runInThread(config: TrialConfig, onEvent: (e: TrialEvent) => void, stop: AbortSignal, kill: AbortSignal): Promise<TrialRun> {
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
    const task: WorkerTask = { config, port: port2 };
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

let native: boolean | undefined;
/** Whether @tensorflow/tfjs-node(-gpu) is installed (an optional dependency; absent on most machines). */
export function nativeTfjsInstalled(): boolean {
  if (native === undefined) {
    const require = createRequire(import.meta.url);
    native = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((name) => {
      try {
        require.resolve(name);
        return true;
      } catch {
        return false;
      }
    });
  }
  return native;
}
