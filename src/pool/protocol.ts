// Messages between the controller and a running trial (a worker thread's MessagePort, or a child
// process's IPC channel). Events stream out, a stop request streams in, and exactly one final
// message (result or error) ends the trial.
import type { MessagePort } from 'node:worker_threads';
import type { TrialEvent, TrialResult } from '../trial/types.js';

/** What a failed trial reports: plain data, so it crosses threads and processes intact. */
export interface TrialErrorInfo {
  name: string;
  message: string;
  stack?: string;
  /** JS heap (ERR_WORKER_OUT_OF_MEMORY) or wasm heap exhausted: recorded as out_of_memory. */
  outOfMemory: boolean;
  /** Bad input (InputError): retrying cannot help; the user must fix it. */
  input: boolean;
}

export type FromTrial =
  | { type: 'event'; event: TrialEvent }
  | { type: 'result'; result: TrialResult }
  | { type: 'error'; error: TrialErrorInfo };

/** How one trial run ended, seen from the pool: the trainer's result, or why there is none. */
export type TrialRun = { ok: true; result: TrialResult } | { ok: false; error: TrialErrorInfo };

/** A trial for the pool: the module URL of its trainer (see trainers/registry.ts) and its config. */
export interface TrialJob {
  trainer: string;
  config: unknown;
}

export type ToTrial = { type: 'run'; job: TrialJob } | { type: 'stop'; reason: string };

/** The piscina task: the trial and the port its events and stop requests travel on. */
export interface WorkerTask {
  job: TrialJob;
  port: MessagePort;
}

// wasm's abort text ("Aborted(OOM)", "Cannot enlarge memory"), V8's ("Array buffer allocation
// failed", "JavaScript heap out of memory") and Node's worker resource-limit code.
const OOM = /out of memory|Aborted\(OOM\)|Cannot enlarge memory|Array buffer allocation failed|\bOOM\b/i;

export function describeError(err: unknown): TrialErrorInfo {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return {
    name: e.name,
    message: e.message || e.name,
    stack: e.stack,
    outOfMemory: code === 'ERR_WORKER_OUT_OF_MEMORY' || e.name === 'OutOfMemoryError' || OOM.test(e.message),
    input: e.name === 'InputError',
  };
}
