// Runs one trial in a child process pinned to a GPU (CUDA_VISIBLE_DEVICES), for trainers that
// place their trials there (native tfjs: a worker thread cannot change the environment native code
// reads, and tfjs-node cannot load in a second thread of one process). A child that dies fails
// only its trial.
import { fork } from 'node:child_process';
import type { TrialEvent } from '../trial/types.js';
import { childEntry } from './entries.js';
import type { FromTrial, ToTrial, TrialJob, TrialRun } from './protocol.js';

export interface ChildRunOptions {
  /** The slot's GPUs (CUDA_VISIBLE_DEVICES). */
  gpus?: number[];
  onEvent(event: TrialEvent): void;
  /** Graceful stop: the trial checkpoints at its next batch and returns 'stopped'. */
  stop: AbortSignal;
  /** Hard stop: the process is killed. */
  kill: AbortSignal;
}

export function runInChild(job: TrialJob, opts: ChildRunOptions): Promise<TrialRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (opts.gpus !== undefined) env.CUDA_VISIBLE_DEVICES = opts.gpus.join(',');
    // 'advanced' serialization keeps NaN and Infinity in metrics intact. Whatever the trial prints
    // (native TensorFlow's own logging) goes to stderr: stdout is the leaderboard's.
    const child = fork(childEntry, [], { env, execArgv: [], serialization: 'advanced', stdio: ['ignore', 2, 2, 'ipc'] });
    let final: TrialRun | undefined;
    const send = (msg: ToTrial): void => {
      if (child.connected) child.send(msg, (err) => void err);
    };
    const onStop = (): void => send({ type: 'stop', reason: String(opts.stop.reason ?? 'stopped') });
    const onKill = (): void => void child.kill('SIGKILL');
    opts.stop.addEventListener('abort', onStop, { once: true });
    opts.kill.addEventListener('abort', onKill, { once: true });
    child.on('message', (msg: FromTrial) => {
      if (msg.type === 'event') opts.onEvent(msg.event);
      else if (msg.type === 'result') final = { ok: true, result: msg.result };
      else final = { ok: false, error: msg.error };
    });
    child.on('error', (err) => {
      final ??= { ok: false, error: { name: 'Error', message: `trial process failed: ${err.message}`, outOfMemory: false, input: false } };
    });
    child.on('exit', (code, signal) => {
      opts.stop.removeEventListener('abort', onStop);
      opts.kill.removeEventListener('abort', onKill);
      const how = signal ? `killed by signal ${signal}` : `exited with code ${code}`;
      resolve(final ?? { ok: false, error: { name: 'Error', message: `trial process ${how}`, outOfMemory: false, input: false } });
    });
    send({ type: 'run', job });
    if (opts.stop.aborted) onStop();
    if (opts.kill.aborted) onKill();
  });
}
