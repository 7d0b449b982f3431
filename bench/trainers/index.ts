// Where the synthetic trainers live, as module URLs a sweep can be given (runSweep's `trainer`
// option, the CLI's hidden --trainer). Resolved beside this module: the compiled dist/bench/trainers
// when run from dist, the TypeScript sources when the tests import this file.
import type { SyntheticKind } from './synthetic.js';

export type { SyntheticKind };

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

export function syntheticTrainerUrl(kind: SyntheticKind): string {
  return new URL(`./${kind}.${ext}`, import.meta.url).href;
}
