// Runs one trial where it is called (a worker thread, a child process, or inline in the
// controller): its trainer is loaded by module URL, so this place knows no trainer by name.
import { loadTrainer } from '../trainers/registry.js';
import type { TrainerRunOptions } from '../trainers/trainer.js';
import type { TrialResult } from '../trial/types.js';
import type { TrialJob } from './protocol.js';

export async function executeTrial(job: TrialJob, opts: TrainerRunOptions): Promise<TrialResult> {
  const trainer = await loadTrainer(job.trainer);
  return trainer.run(job.config, opts);
}
