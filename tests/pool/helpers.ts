// Shared helpers of the pool and sweep tests: a synthetic trial job and temporary directories.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticTrainerUrl } from '../../bench/trainers/index.js';
import type { SyntheticConfig, SyntheticKind } from '../../bench/trainers/synthetic.js';
import type { TrialJob } from '../../src/pool/protocol.js';
import type { Params } from '../../src/trial/types.js';

export function tempDir(prefix = 'finesweep-pool-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A job for the pool: one trial of a synthetic trainer (bench/trainers/). */
export function syntheticJob(kind: SyntheticKind, dir: string, params: Params = {}, extra: Partial<SyntheticConfig> = {}): TrialJob {
  const config: SyntheticConfig = {
    kind,
    trialId: `t-${kind}`,
    params: { learning_rate: 1e-3, batch_size: 8, epochs: 1, ...params },
    dir,
    ...extra,
  };
  return { trainer: syntheticTrainerUrl(kind), config };
}
