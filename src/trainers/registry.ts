// The trainers a spec's task.type names. Each is a module that default-exports a Trainer, so that
// the controller, a worker thread and a child process all load the same one by its module URL.
// A new trainer is one folder plus one line here.
import { InputError } from '../errors.js';
import type { Trainer } from './trainer.js';

// Tests run these sources as TypeScript; the published package runs the compiled .js beside them.
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const here = (path: string): string => new URL(`${path}.${ext}`, import.meta.url).href;

const TRAINERS: Readonly<Record<string, string>> = {
  classification: here('./tfjs/trainer'),
  'causal-lm': here('./tfjs/trainer'),
};

/** The module URL of the trainer for a task type. */
export function trainerModule(taskType: string): string {
  const url = TRAINERS[taskType];
  if (!url) throw new InputError(`/task/type: no trainer for ${JSON.stringify(taskType)}; expected one of ${Object.keys(TRAINERS).join(', ')}`);
  return url;
}

const loaded = new Map<string, Promise<Trainer>>();

/** The Trainer a module default-exports (loaded once per thread or process). */
export function loadTrainer(url: string): Promise<Trainer> {
  let trainer = loaded.get(url);
  if (!trainer) {
    trainer = import(url).then((mod: { default?: Trainer }) => {
      const t = mod.default;
      if (!t || typeof t.run !== 'function' || typeof t.configure !== 'function' || typeof t.place !== 'function') {
        throw new TypeError(`${url} does not default-export a Trainer (name, place, configure, run)`);
      }
      return t;
    });
    loaded.set(url, trainer);
  }
  return trainer;
}
