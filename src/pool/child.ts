// The child-process entry: runs one trial whose trainer asks for a process of its own (native
// tfjs, a GPU-pinned probe), started by the slot with CUDA_VISIBLE_DEVICES=<gpu>. A crash or an
// out-of-memory abort here ends only this process, and so only this trial.
import type { FromTrial, ToTrial } from './protocol.js';
import { describeError } from './protocol.js';
import { executeTrial } from './execute.js';

const stop = new AbortController();

function send(msg: FromTrial): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

process.on('message', (msg: ToTrial) => {
  if (msg.type === 'stop') {
    stop.abort(msg.reason);
    return;
  }
  void (async () => {
    try {
      const result = await executeTrial(msg.job, {
        signal: stop.signal,
        onEvent: (event) => void send({ type: 'event', event }),
      });
      await send({ type: 'result', result });
      process.exit(0);
    } catch (err) {
      await send({ type: 'error', error: describeError(err) });
      process.exit(1);
    }
  })();
});

// Ctrl-C in a terminal signals the whole process group, this child included: the controller
// decides what a signal means (a graceful stop message, or its own exit), so ignore it here.
process.on('SIGINT', () => {});

// The controller went away (killed, or a second Ctrl-C): never outlive it as an orphan.
process.on('disconnect', () => process.exit(1));
