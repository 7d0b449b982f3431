// Runs one trial where it is called (a worker thread or a child process): a synthetic kind, or the
// real fine-tune of the engine, loaded on demand so that synthetic trials never load tfjs.
import type { RunTrialOptions, TrialConfig, TrialResult } from '../engine/types.js';
import { runSynthetic } from './synthetic.js';

export async function executeTrial(config: TrialConfig, opts: RunTrialOptions): Promise<TrialResult> {
  const kind = config.kind ?? 'train';
  if (kind !== 'train') return runSynthetic(kind, config, opts);
  const engine = await import('../engine/trial.js');
  return engine.runTrial(config, opts);
}
