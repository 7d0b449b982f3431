import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverGpus, parseNvidiaSmiList } from '../../src/pool/gpus.js';
import { planSlots } from '../../src/pool/slots.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from './helpers.js';

/** A PATH whose only nvidia-smi is the given shell script (or none). */
function pathWith(script?: string): NodeJS.ProcessEnv {
  const bin = join(tempDir('finesweep-gpus-'), 'bin');
  mkdirSync(bin);
  if (script !== undefined) {
    writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
  }
  return { ...process.env, PATH: bin };
}

describe('GPU discovery', () => {
  it('reads GPU ids from `nvidia-smi -L`', () => {
    const out = 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1a)\nGPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-2b)\n';
    expect(parseNvidiaSmiList(out)).toEqual([0, 1]);
    expect(parseNvidiaSmiList('No devices were found\n')).toEqual([]);
  });

  it('"auto" asks nvidia-smi; absent or failing means no GPU', async () => {
    expect(await discoverGpus('auto', pathWith('echo "GPU 0: Fake (UUID: x)"; echo "GPU 3: Fake (UUID: y)"'))).toEqual([0, 3]);
    expect(await discoverGpus('auto', pathWith())).toEqual([]);
    expect(await discoverGpus('auto', pathWith('echo "NVIDIA-SMI has failed" >&2; exit 9'))).toEqual([]);
  });

  it('a list is taken as given and 0 means CPU only, without running nvidia-smi', async () => {
    const env = pathWith('exit 1');
    expect(await discoverGpus([2, 5], env)).toEqual([2, 5]);
    expect(await discoverGpus(0, env)).toEqual([]);
  });
});

describe('slots', () => {
  it('with GPUs: gpus × trials_per_gpu slots, each pinned to one GPU, interleaved', () => {
    expect(planSlots({ gpus: [0, 1], trialsPerGpu: 2 })).toEqual([
      { id: 0, gpu: 0, gpus: [0] }, { id: 1, gpu: 1, gpus: [1] }, { id: 2, gpu: 0, gpus: [0] }, { id: 3, gpu: 1, gpus: [1] },
    ]);
  });

  it('gpus_per_trial n: disjoint sets of n ids, one trial each; a GPU left over stays idle', () => {
    expect(planSlots({ gpus: [0, 1, 2, 3, 4], gpusPerTrial: 2, trialsPerGpu: 3 })).toEqual([
      { id: 0, gpu: 0, gpus: [0, 1] },
      { id: 1, gpu: 2, gpus: [2, 3] },
    ]);
  });

  it('more GPUs per trial than the machine has is bad input, in one line', () => {
    expect(() => planSlots({ gpus: [0, 1], gpusPerTrial: 4 })).toThrow(new InputError('/resources/gpus_per_trial: 4 GPUs per trial, but this machine has 2 (0, 1)'));
    expect(() => planSlots({ gpus: [], gpusPerTrial: 2 })).toThrow(/this machine has none \(nvidia-smi lists no GPU; set resources.gpus to 0 to run on CPU\)$/);
    expect(planSlots({ gpus: [], gpusPerTrial: 1, workers: 1 })).toEqual([{ id: 0 }]);
  });

  it('without: `workers` CPU slots, by default one per core, at least one', () => {
    expect(planSlots({ gpus: [], workers: 3 })).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    expect(planSlots({ gpus: [] }).length).toBeGreaterThanOrEqual(1);
    expect(planSlots({ gpus: [], workers: 0 })).toEqual([{ id: 0 }]);
  });
});
