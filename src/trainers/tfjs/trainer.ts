// The built-in trainer: a fine-tune by the TensorFlow.js engine (src/engine/). On wasm/cpu its
// trials run in worker threads; on a native backend (tfjs-node, which reads CUDA_VISIBLE_DEVICES
// once per process) in a child process. The engine is loaded only where a trial runs, so the
// controller that configures trials never loads TensorFlow.js.
import { createRequire } from 'node:module';
import type { TrialConfig } from '../../engine/types.js';
import type { Trainer } from '../trainer.js';
import { checkInputPaths, toTrialConfig, type TfjsTask } from './configure.js';

const tfjs: Trainer<TrialConfig> = {
  name: 'tfjs',
  place(config) {
    if (config.backend === 'tensorflow' || config.backend === 'tensorflow-gpu') return 'child';
    if (config.backend === 'auto' && nativeTfjsInstalled()) return 'child';
    return 'thread';
  },
  check: (task, ctx) => checkInputPaths(task as TfjsTask, ctx),
  // Every evaluation carries its optimizer step: median and ASHA may count steps (min_steps).
  reportsSteps: () => true,
  configure: (task, request, ctx) => toTrialConfig(task as TfjsTask, request, ctx),
  async run(config, opts) {
    const engine = await import('../../engine/trial.js');
    return engine.runTrial(config, { signal: opts.signal, onEvent: opts.onEvent });
  },
};

export default tfjs;

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
