// The disk a sweep directory uses, as `run` and `resume` print it at the end.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TRIALS_DIR } from '../store/layout.js';
import { checkpointDir, weightsDir } from '../trial/layout.js';
import { diskBytes } from '../retention/apply.js';

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} B`;
}

export function diskLine(dir: string): string {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(dir, TRIALS_DIR));
  } catch {
    // No trial ran: only the journal and the spec.
  }
  let checkpoints = 0;
  let weights = 0;
  let withWeights = 0;
  for (const id of ids) {
    checkpoints += diskBytes(checkpointDir(join(dir, TRIALS_DIR, id)));
    const w = diskBytes(weightsDir(join(dir, TRIALS_DIR, id)));
    weights += w;
    if (w > 0) withWeights++;
  }
  const shown = relative(process.cwd(), dir);
  return `disk: ${formatBytes(diskBytes(dir))} in ${shown.startsWith('..') ? dir : shown || '.'} (kept weights of ${withWeights} trial${withWeights === 1 ? '' : 's'}: ${formatBytes(weights)}; resume checkpoints: ${formatBytes(checkpoints)})`;
}
