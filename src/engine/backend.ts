// Backend choice: which TensorFlow.js backend this thread (or process) trains on, and why.
// tfjs-node(-gpu) are optionalDependencies that cannot install everywhere, so they are loaded by a
// dynamic import inside try/catch; `auto` falls through to wasm and then to the pure-JS cpu backend.
import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { InputError } from '../errors.js';
import { BACKEND_ORDER, type BackendChoice, type BackendName } from './types.js';
import { registerWasmTrainingKernels } from './kernels.js';

export interface SelectedBackend {
  name: BackendName;
  reason: string;
}

/** The tfjs backend id each finesweep backend name registers under. */
const TFJS_ID: Record<BackendName, string> = { 'tensorflow-gpu': 'tensorflow', tensorflow: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const ORDER = BACKEND_ORDER;

let active: SelectedBackend | undefined;
// One selection at a time: two overlapping calls in one thread must not race on tf.setBackend.
let pending: Promise<SelectedBackend> | undefined;

/** The backend selected in this thread, if any. */
export function activeBackend(): SelectedBackend | undefined {
  return active;
}

/**
 * Selects (once) the backend for this thread. `auto` returns the active backend when one is already
 * selected; an explicit choice equal to the active one returns it; an explicit different choice
 * switches (tests compare cpu and wasm in one process). An explicit unavailable choice throws
 * InputError naming the backend and why.
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  while (pending) await pending.catch(() => undefined);
  if (active && (choice === 'auto' || choice === active.name)) return active;
  pending = choose(choice);
  try {
    active = await pending;
    // The pure-JS backend prints an install-tfjs-node banner to stderr on its first tensor; the
    // choice and its reason are already reported to the caller, and only the CLI may print.
    if (active.name === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
    return active;
  } finally {
    pending = undefined;
  }
}

async function choose(choice: BackendChoice): Promise<SelectedBackend> {
  if (choice !== 'auto') {
    const failure = await tryBackend(choice);
    if (failure !== undefined) throw new InputError(`backend "${choice}" is not available: ${failure}`);
    return { name: choice, reason: `requested explicitly${detail(choice)}` };
  }
  const skipped: string[] = [];
  for (const name of ORDER) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      const why = skipped.length ? `; skipped ${skipped.join('; ')}` : '';
      return { name, reason: `auto chose ${name}${detail(name)}${why}` };
    }
    skipped.push(`${name} (${failure})`);
  }
  // The cpu backend ships inside @tensorflow/tfjs, so this is reached only if tfjs itself is broken.
  throw new InputError(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}

function detail(name: BackendName): string {
  if (name !== 'wasm') return '';
  return ` (SIMD, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'})`;
}

let wasmThreads = 1;

/** Tries to load and activate one backend; returns why it failed, or undefined on success. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      if (tf.findBackend('tensorflow') === null || tf.findBackend('tensorflow') === undefined) {
        try {
          await import(pkg);
        } catch (err) {
          return `${pkg} did not load: ${firstLine(err)}`;
        }
      }
    }
    if (name === 'wasm') await loadWasm();
    const ok = await tf.setBackend(TFJS_ID[name]);
    if (!ok) return `tf.setBackend('${TFJS_ID[name]}') failed to initialize`;
    await tf.ready();
    if (name === 'wasm') {
      registerWasmTrainingKernels();
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasmThreads = wasm.getThreadsCount();
    }
    return undefined;
  } catch (err) {
    return firstLine(err);
  }
}

let wasmLoaded = false;
async function loadWasm(): Promise<void> {
  if (wasmLoaded) return;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Threads must be requested before the backend initializes. In Node 20 the threaded build does
  // not start (the count stays 1, see notes/tfjs-here.md); where it works, this uses them.
  const wanted = Number(process.env.FINESWEEP_WASM_THREADS ?? availableParallelism());
  if (Number.isInteger(wanted) && wanted > 0) wasm.setThreadsCount(wanted);
  wasmLoaded = true;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
