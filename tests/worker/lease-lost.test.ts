// A worker whose lease on a trial is taken over while the trial reports: the evaluation it then
// reports is refused (the fence), the trial stops there, and the worker goes on. With early stopping
// on, the run loop used to ask the scheduler about that refused evaluation and crashed the whole
// worker with a stack trace ("scheduler: no recorded result", found by a kill -9 fuzz of workers).
// Compiled CLI, a real server; the takeover is what another worker's claim writes.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/store/events.js';
import { STACK } from '../e2e/helpers.js';
import { startPostgres, type PgCluster, sweepEvents } from '../helpers/postgres.js';
import { tempDir } from '../pool/helpers.js';
import { until } from '../store/helpers/wait.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');

let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

// Epoch 1, then (first attempt only) a gate the test opens once it has taken the lease away.
const PROGRAM = `echo '{"epoch": 1, "val_loss": 0.5}' >> "$FINESWEEP_METRICS"
if [ -z "$FINESWEEP_RESUME_EPOCH" ]; then while [ ! -f "$1" ]; do sleep 0.02; done; fi
echo '{"epoch": 2, "val_loss": 0.4}' >> "$FINESWEEP_METRICS"
`;

const eventsOf = (name: string, files: string): Promise<JournalEvent[]> => sweepEvents(pg.url(), name, files);

describe('a worker that loses a trial’s lease mid-trial', () => {
  it.each(['median', 'asha'])('with %s early stopping: its refused evaluation stops that trial only, and the worker ends with exit 0', async (rule) => {
    const dir = tempDir('finesweep-lease-lost-');
    const files = join(dir, 'files');
    const gate = join(dir, 'gate');
    writeFileSync(join(dir, 'program.sh'), PROGRAM);
    const name = `lost-${rule}`;
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({
        name,
        task: { type: 'command', command: ['sh', 'program.sh', gate] },
        parameters: { epochs: { value: 2 } },
        objective: { metric: 'val_loss', goal: 'minimize' },
        early_stopping: rule === 'median' ? { type: 'median', min_epochs: 1 } : { type: 'asha', min_epochs: 1, reduction_factor: 2 },
        resources: { gpus: 0, workers: 1 },
      }),
    );
    const record = spawn(process.execPath, [CLI, 'run', '--storage', pg.url(), 'spec.json', '--no-work', '--trial-files', files], { cwd: dir, stdio: 'ignore' });
    expect(await new Promise((r) => record.on('close', r))).toBe(0);
    // A long lease: only the test takes it away.
    const worker = spawn(process.execPath, [CLI, 'worker', '--storage', pg.url(), '--sweep', name, '--trial-files', files, '--heartbeat', '20', '--lease', '60'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    worker.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => worker.on('close', r));
    try {
      const trial = await until('epoch 1 recorded', async () => (await eventsOf(name, files)).find((e) => e.type === 'epoch_ended')?.trial_id);
      // Another worker's claim of an expired lease: a new token and owner; it expires in a moment,
      // so that this worker can take the trial back and finish it.
      pg.sql(`update finesweep_trials set lease_token = 'stolen', lease_owner = 'elsewhere:1', lease_expiry = now() + interval '1 second' where trial_id = '${trial}'`, 'finesweep');
      writeFileSync(gate, '');
      const code = await exited;
      expect(stderr).not.toMatch(STACK);
      expect(code, stderr).toBe(0);
      const events = await eventsOf(name, files);
      // Epoch 2 of the first attempt was refused; the trial was taken back and completed once.
      expect(events.filter((e) => e.type === 'trial_completed')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'epoch_ended').map((e) => (e as { metrics: { epoch: number } }).metrics.epoch)).toEqual([1, 2]);
    } finally {
      worker.kill('SIGKILL');
    }
  }, 60_000);
});
