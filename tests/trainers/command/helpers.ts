// Shared helpers of the command-trainer tests: a trial attempt of the fake trainer program, run
// through the trainer's own configure() and run(), and waits on marker files (never on a clock).
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandTrainer } from '../../../src/trainers/command/trainer.js';
import type { CommandTask } from '../../../src/trainers/command/config.js';
import type { Params, TrialEvent, TrialRequest, TrialResult } from '../../../src/trainers/command/port.js';

export const FAKE_TRAINER = fileURLToPath(new URL('../../fixtures/trainers/fake-trainer.mjs', import.meta.url));
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/trainers/', import.meta.url));

export function tempDir(prefix = 'finesweep-command-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function request(params: Params, over: Partial<TrialRequest> = {}): TrialRequest {
  const dir = over.dir ?? tempDir();
  const checkpointDir = join(dir, 'checkpoint');
  mkdirSync(checkpointDir, { recursive: true });
  return { trialId: 't1', seed: 7, params: { epochs: 3, ...params }, dir, checkpointDir, resumeEpoch: 0, ...over };
}

export const fakeTask = (over: Partial<CommandTask> = {}): CommandTask => ({ type: 'command', command: [process.execPath, FAKE_TRAINER], ...over });

export interface Attempt {
  req: TrialRequest;
  events: TrialEvent[];
  stop: AbortController;
  kill: AbortController;
  /** The run's result; a failed attempt rejects. */
  done: Promise<TrialResult>;
}

export function attempt(params: Params, opts: { task?: Partial<CommandTask>; req?: Partial<TrialRequest>; onEvent?: (e: TrialEvent, a: Attempt) => void } = {}): Attempt {
  const req = request(params, opts.req);
  const task = fakeTask(opts.task);
  const config = commandTrainer.configure(task, req, { specDir: FIXTURES_DIR });
  const a: Attempt = { req, events: [], stop: new AbortController(), kill: new AbortController(), done: undefined as unknown as Promise<TrialResult> };
  a.done = commandTrainer.run(config, {
    signal: a.stop.signal,
    kill: a.kill.signal,
    onEvent: (e) => {
      a.events.push(e);
      opts.onEvent?.(e, a);
    },
  });
  return a;
}

export const epochsOf = (events: TrialEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e.metrics] : []));

/** Resolves once `path` exists (checked every 20 ms: waiting on a marker, not on a duration). */
export async function waitForFile(path: string, what = path): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (existsSync(path)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** True while `pid` is a live process (a zombie awaiting its reaper counts as dead). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `pid` is dead. */
export async function waitForDeath(pid: number): Promise<void> {
  for (let i = 0; i < 750; i++) {
    if (!alive(pid)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} is still alive`);
}

export function envSeen(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Record<string, unknown>;
}
