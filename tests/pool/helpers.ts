// Shared helpers of the pool and sweep tests: a minimal TrialConfig and temporary directories.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrialConfig } from '../../src/engine/types.js';

export function tempDir(prefix = 'finesweep-pool-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function syntheticConfig(kind: TrialConfig['kind'], dir: string, params: Partial<TrialConfig['params']> = {}): TrialConfig {
  return {
    trialId: `t-${kind}`,
    seed: 1,
    task: {
      type: 'classification',
      model: '/nonexistent',
      data: { train: '/nonexistent', split: 0.2, textField: 'text', labelField: 'label' },
      method: 'full',
      topK: 1,
      forgetting: false,
    },
    params: { learning_rate: 1e-3, batch_size: 8, epochs: 1, ...params },
    backend: 'cpu',
    dir,
    kind,
  };
}
