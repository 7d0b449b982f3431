// `finesweep worker --gpus LIST` (compiled CLI, real server): the worker's slots are pinned to the
// GPUs it is given, each trial seeing only its slot's GPU in CUDA_VISIBLE_DEVICES, as `run` pins
// its own. A fake nvidia-smi (the one test double: we have no GPU) lists four GPUs on this
// "machine", so the test also shows that the list, not discovery, decides.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/store/events.js';
import { openStore } from '../../src/store/open.js';
import { tempDir } from '../pool/helpers.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { writeSpec } from '../sweep/sweep-helpers.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');
const DEVICES = resolve(import.meta.dirname, '../../dist/bench/trainers/devices.js');

let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}

describe('finesweep worker --gpus', () => {
  it('pins its slots to the listed GPUs (trials_per_gpu each), one CUDA_VISIBLE_DEVICES per trial, whatever nvidia-smi lists', async () => {
    const dir = tempDir('finesweep-worker-gpus-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\nfor i in 0 1 2 3; do echo "GPU $i: NVIDIA Fake (UUID: GPU-$i)"; done\n');
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const marker = join(dir, 'devices.log');
    writeFileSync(marker, '');
    // Trials hold until two have started: both slots run at once, one on each listed GPU.
    writeSpec(dir, { name: 'gpus', learningRates: [1e-4, 1e-3], batchSizes: [8, 16], resources: { gpus: 'auto', trials_per_gpu: 1 }, extra: { marker_file: { value: marker }, hold_starts: { value: 2 } } });
    const files = join(dir, 'shared');
    expect((await cli(['run', '--storage', pg.url(), 'gpus.json', '--no-work', '--trainer', DEVICES], dir)).code).toBe(0);
    const worker = await cli(['worker', '--storage', pg.url(), '--sweep', 'gpus', '--gpus', '1,3', '--trainer', DEVICES, '--trial-files', files], dir, env);
    expect(worker.code, worker.stderr).toBe(0);
    const store = await openStore(pg.url(), { sweep: 'gpus', trialFiles: files });
    const events: JournalEvent[] = await store.events();
    await store.close();
    const started = events.filter((e): e is Extract<JournalEvent, { type: 'trial_started' }> => e.type === 'trial_started');
    expect(started).toHaveLength(4);
    expect(new Set(started.map((e) => e.gpu))).toEqual(new Set([1, 3]));
    expect(new Set(started.map((e) => e.slot))).toEqual(new Set([0, 1]));
    for (const s of started) expect(readFileSync(join(files, 'trials', s.trial_id, 'log.txt'), 'utf8')).toContain(`CUDA_VISIBLE_DEVICES=${s.gpu}\n`);
    expect(events.filter((e) => e.type === 'trial_completed')).toHaveLength(4);
    // --gpus is this worker's, not the sweep's: its sweep_started names the sweep's own spec hash.
    const hashes = events.flatMap((e) => (e.type === 'sweep_started' ? [e.spec_hash] : []));
    expect(hashes).toHaveLength(2);
    expect(new Set(hashes).size).toBe(1);
    const seen = readFileSync(marker, 'utf8').trim().split('\n').map((line) => line.split(' ')[2]);
    expect(new Set(seen)).toEqual(new Set(['1', '3']));
  });

  it('refuses a list that is not GPU ids in one line, exit 2, before touching the database', async () => {
    const dir = tempDir('finesweep-worker-gpus-');
    for (const bad of ['1,x', '0,0', '']) {
      const out = await cli(['worker', '--storage', pg.url(), '--sweep', 'nothing-here', '--gpus', bad], dir);
      expect(out.code).toBe(2);
      expect(out.stderr.trim().split('\n')[0]).toMatch(/^finesweep: --gpus: (expected a comma-separated list of GPU ids \(e\.g\. 0,1\), auto or none; got "|GPU 0 is listed twice)/);
    }
  });
});
