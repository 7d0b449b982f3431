// The retention policy's I/O: measures each trial's files, asks policy.ts what to remove, removes it.
// The caller journals each removal (trial_files_removed) before it happens, so that a crash between
// the two never leaves files missing without a record; removing what is already gone is harmless.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Goal } from '../trial/objective.js';
import { checkpointDir, trialFilesDir, weightsDir } from '../trial/layout.js';
import { retentionDecisions, type Removal, type RetentionPolicy, type TrialFiles } from './policy.js';

/**
 * Bytes under a path (a file or a directory tree); 0 for what does not exist. What vanishes while
 * it is measured counts 0 too: on trial files shared by several workers, another worker's retention
 * may remove a checkpoint, or a trainer replace one (write then rename), between our stat and readdir.
 */
export function diskBytes(path: string): number {
  let s;
  try {
    s = statSync(path);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return s.size;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return 0;
    throw err;
  }
  let n = 0;
  for (const name of names) n += diskBytes(join(path, name));
  return n;
}

export interface TrialOnDisk {
  id: string;
  status: string;
  best?: number;
  /** Its directory; undefined where it has none (nothing to measure or remove). */
  dir?: string;
}

/** One trial's files, measured on disk. */
export function measureTrial(t: TrialOnDisk): TrialFiles {
  return {
    id: t.id,
    status: t.status,
    ...(t.best !== undefined ? { best: t.best } : {}),
    checkpointBytes: t.dir === undefined ? 0 : diskBytes(checkpointDir(t.dir)),
    weightsBytes: t.dir === undefined ? 0 : diskBytes(weightsDir(t.dir)),
  };
}

export function measure(trials: readonly TrialOnDisk[]): TrialFiles[] {
  return trials.map(measureTrial);
}

/** What to remove now, measured on disk. */
export function planRemovals(trials: readonly TrialOnDisk[], policy: RetentionPolicy, goal: Goal): Removal[] {
  return retentionDecisions(measure(trials), policy, goal);
}

/** Removes one decided item of a trial directory. */
export function removeFiles(trialDir: string, removal: Removal): void {
  rmSync(trialFilesDir(trialDir, removal.what), { recursive: true, force: true });
}
