// resources.gpus_per_trial through the run loop with the stand-in nvidia-smi (four fake GPUs): each
// command trial sees its own disjoint pair of ids in CUDA_VISIBLE_DEVICES, with {num_gpus} and
// FINESWEEP_NUM_GPUS; more GPUs per trial than the machine has is one line and exit 2 from the CLI.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/session.js';
import { journal, ofType } from '../sweep/sweep-helpers.js';
import { tempDir } from './helpers.js';
import { spawn } from 'node:child_process';

const FAKE = fileURLToPath(new URL('../fixtures/trainers/fake-trainer.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/finesweep.js', import.meta.url));

/** A bin folder whose nvidia-smi lists `n` fake GPUs. */
function fakeGpus(dir: string, n: number): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const lines = Array.from({ length: n }, (_, i) => `echo "GPU ${i}: NVIDIA Fake (UUID: GPU-${i})"`).join('\n');
  writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\n${lines}\n`);
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  return bin;
}

function spec(dir: string, gpusPerTrial: number, marker: string): string {
  const path = join(dir, 'gpus.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 'gpus',
      task: { type: 'command', command: [process.execPath, FAKE, '--nproc_per_node', '{num_gpus}'] },
      parameters: { epochs: { value: 1 }, learning_rate: { values: [1e-4, 1e-3, 1e-2, 1e-1] }, marker_file: { value: marker }, hold_starts: { value: 2 } },
      resources: { gpus: 'auto', gpus_per_trial: gpusPerTrial },
    }),
  );
  return path;
}

describe('resources.gpus_per_trial', () => {
  it('two fake-GPU pairs: every trial sees one pair, both pairs busy at once, never one id in two running trials', async () => {
    const dir = tempDir('finesweep-gpus-');
    const bin = fakeGpus(dir, 4);
    const marker = join(dir, 'marks.log');
    writeFileSync(marker, '');
    const out = await runSweep(spec(dir, 2, marker), { resultsDir: join(dir, 'results'), env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_completed')).toHaveLength(4);
    const seen = ofType(events, 'trial_started').map((s) => {
      const env = JSON.parse(readFileSync(join(out.dir, 'trials', s.trial_id, 'env.json'), 'utf8')) as Record<string, unknown>;
      return { gpus: s.gpus, visible: env.CUDA_VISIBLE_DEVICES, num: env.FINESWEEP_NUM_GPUS, argv: env.argv };
    });
    for (const s of seen) {
      expect(['0,1', '2,3']).toContain(s.visible);
      expect(s.gpus!.join(',')).toBe(s.visible);
      expect(s.num).toBe('2');
      expect(s.argv).toEqual(['--nproc_per_node', '2']);
    }
    // The two slots ran side by side (each trial waits for a second start), each on its own pair.
    const running = new Map<string, number>();
    for (const line of readFileSync(marker, 'utf8').trim().split('\n')) {
      const [what, , gpus] = line.split(' ');
      running.set(gpus!, (running.get(gpus!) ?? 0) + (what === 'start' ? 1 : -1));
      expect(running.get(gpus!)).toBeLessThanOrEqual(1);
    }
    expect([...running.keys()].sort()).toEqual(['0,1', '2,3']);
  });

  it('more GPUs per trial than nvidia-smi lists: one line, exit 2, no trial started', async () => {
    const dir = tempDir('finesweep-gpus-');
    const bin = fakeGpus(dir, 2);
    spec(dir, 4, join(dir, 'marks.log'));
    const child = spawn(process.execPath, [CLI, 'run', 'gpus.json', '--results', 'results'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}` } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('finesweep: /resources/gpus_per_trial: 4 GPUs per trial, but this machine has 2 (0, 1)');
    expect(existsSync(join(dir, 'marks.log'))).toBe(false);
  });
});
