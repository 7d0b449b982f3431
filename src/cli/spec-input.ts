// Shared by the commands that take a spec: load it, parse --max-trials, expand, naming the file on errors.
import { InputError } from '../errors.js';
import type { PlannedTrial } from '../search/space.js';
import { loadSpec, type LoadedSpec } from '../spec/load.js';
import { DEFAULT_MAX_TRIALS, expandTrials } from '../sweep/expand.js';

/** commander argParser for --max-trials: a positive integer. */
export function parseMaxTrials(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InputError(`--max-trials: expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface PlannedSpec extends LoadedSpec {
  trials: PlannedTrial[];
}

/** Loads, validates and expands a spec; expansion errors are prefixed with the spec file. */
export async function planSpec(file: string, maxTrials: number = DEFAULT_MAX_TRIALS): Promise<PlannedSpec> {
  const loaded = await loadSpec(file);
  try {
    return { ...loaded, trials: expandTrials(loaded.spec, { maxTrials }) };
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.problems.map((p) => `${file}: ${p}`));
    throw err;
  }
}
