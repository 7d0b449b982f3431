// A trial directory's layout (results/<sweep>/trials/<trial-id>/): the names the trainers write
// under and the retention policy, the reporter and the disk accounting read. One home for them.
import { join } from 'node:path';

/** The resume checkpoint (weights and optimizer state of the last epoch). */
export const CHECKPOINT_DIR = 'checkpoint';
/** The kept weights (best and last). */
export const WEIGHTS_DIR = 'weights';

export type TrialFilesKind = typeof CHECKPOINT_DIR | typeof WEIGHTS_DIR;

export const checkpointDir = (trialDir: string): string => join(trialDir, CHECKPOINT_DIR);
export const weightsDir = (trialDir: string): string => join(trialDir, WEIGHTS_DIR);
/** The directory of one kind of a trial's files. */
export const trialFilesDir = (trialDir: string, what: TrialFilesKind): string => join(trialDir, what);
