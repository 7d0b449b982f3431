// The piscina worker entry: runs one trial in this thread, streaming its events over the task's
// MessagePort and taking a graceful stop request from it (the trainer's AbortSignal fires and it
// checkpoints at the next batch). piscina's own abort, which kills the thread, is kept for a hard stop.
import type { FromTrial, ToTrial, WorkerTask } from './protocol.js';
import { describeError } from './protocol.js';
import { executeTrial } from './execute.js';

export default async function runTrialTask(task: WorkerTask): Promise<void> {
  const { job, port } = task;
  const stop = new AbortController();
  port.on('message', (msg: ToTrial) => {
    if (msg.type === 'stop') stop.abort(msg.reason);
  });
  const send = (msg: FromTrial): void => port.postMessage(msg);
  try {
    const result = await executeTrial(job, { signal: stop.signal, onEvent: (event) => send({ type: 'event', event }) });
    send({ type: 'result', result });
  } catch (err) {
    const error = describeError(err);
    send({ type: 'error', error });
    // A wasm heap that ran out of memory never shrinks and leaves the backend unusable: end this
    // thread (piscina starts a fresh one) rather than hand it the next trial.
    if (error.outOfMemory) {
      port.close();
      process.exit(1);
    }
  } finally {
    port.close();
  }
}
