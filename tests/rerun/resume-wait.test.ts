// `finesweep resume --wait` through the built CLI: a sweep whose controller died on another host
// (its lease not yet expired) is resumed once the lease expires, after saying how long it waits.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/session.js';
import { run } from '../e2e/helpers.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from '../sweep/sweep-helpers.js';

const SEEDED = fileURLToPath(new URL('../fixtures/trainers/seeded-trainer.mjs', import.meta.url));

describe('finesweep resume --wait', () => {
  it('refuses without --wait, suggesting it; with --wait prints how long it waits, then takes over and finishes', async () => {
    const dir = tempDir('finesweep-wait-');
    const specPath = join(dir, 'w.json');
    writeFileSync(specPath, JSON.stringify({
      name: 'w', seed: 1, task: { type: 'command', command: [process.execPath, SEEDED] },
      parameters: { epochs: { value: 1 }, learning_rate: { values: [1e-2, 1e-3] } },
      resources: { gpus: 0, workers: 1 },
    }));
    const out = await runSweep(specPath, { resultsDir: join(dir, 'results') });
    // A controller on another host started resuming it and died: its lease (3 s) has not expired yet.
    const lock = { pid: 4242, host: 'gpu-node-7', since: new Date().toISOString(), heartbeat: new Date().toISOString(), token: 'dead', heartbeat_ms: 1_000, expiry_ms: 3_000 };
    writeFileSync(join(out.dir, 'lock.json'), JSON.stringify(lock));
    const refused = await run(['resume', out.dir], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`wait for its lease to expire with: finesweep resume --wait ${out.dir}`);

    writeFileSync(join(out.dir, 'lock.json'), JSON.stringify({ ...lock, heartbeat: new Date().toISOString() }));
    const before = journal(out.dir).length;
    const waited = await run(['resume', '--wait', out.dir], dir);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toMatch(/^waiting \d s for the lease of pid 4242 on host gpu-node-7 to expire \(last heartbeat \S+\), then taking over$/m);
    // It took over the lease (and released it at the end); the sweep was finished, so nothing ran.
    expect(existsSync(join(out.dir, 'lock.json'))).toBe(false);
    expect(journal(out.dir)).toHaveLength(before);
    expect(ofType(journal(out.dir), 'trial_completed')).toHaveLength(2);
  }, 120_000);
});
