// readSweep: what the reporter and resume see, and what they refuse.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, SweepError } from '../../src/errors.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { readSweep } from '../../src/store/read.js';

function base(): string {
  return mkdtempSync(join(tmpdir(), 'finesweep-read-'));
}

describe('reading a sweep directory', () => {
  it('returns the spec, its hash, the events and the folded state of an interrupted sweep', async () => {
    const dir = join(base(), 'demo');
    const store = await JournalStore.open(dir, { create: true });
    await store.writeSpec({ name: 'demo' }, 'h1');
    await store.append({ type: 'sweep_started', name: 'demo', spec_hash: 'h1', trials: 2, resumed: false, pid: 1, host: 'x' });
    await store.append({ type: 'trial_started', trial_id: 't0', index: 0, params: { lr: 0.1 }, slot: 0, attempt: 1, from_epoch: 0 });
    await store.append({ type: 'trial_completed', trial_id: 't0', seconds: 1 });
    await store.append({ type: 'trial_started', trial_id: 't1', index: 1, params: { lr: 0.01 }, slot: 0, attempt: 1, from_epoch: 0 });
    await store.close();
    const sweep = await readSweep(dir);
    expect(sweep.spec).toEqual({ name: 'demo' });
    expect(sweep.hash).toBe('h1');
    expect(sweep.events.map((e) => e.type)).toEqual(['sweep_started', 'trial_started', 'trial_completed', 'trial_started']);
    expect([...sweep.state.trials.values()].map((t) => t.status)).toEqual(['completed', 'running']);
    expect(sweep.state.completed).toBe(false);
  });

  it('refuses a path that is not a sweep directory with an InputError naming it', async () => {
    const b = base();
    const missing = join(b, 'nope');
    await expect(readSweep(missing)).rejects.toThrow(new InputError(`not a sweep directory: ${missing} (it does not exist)`));
    writeFileSync(join(b, 'file'), 'x');
    await expect(readSweep(join(b, 'file'))).rejects.toThrow(`not a sweep directory: ${join(b, 'file')} (it is a file)`);
    mkdirSync(join(b, 'empty'));
    const err = await readSweep(join(b, 'empty')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    mkdirSync(join(b, 'journal-only'));
    writeFileSync(join(b, 'journal-only', 'journal.jsonl'), '');
    await expect(readSweep(join(b, 'journal-only'))).rejects.toThrow(`not a sweep directory: ${join(b, 'journal-only')} (no spec.resolved.json in it)`);
  });

  it('refuses a resolved spec file that is not one, naming the file', async () => {
    const dir = base();
    writeFileSync(join(dir, 'spec.resolved.json'), '{"spec": {}}');
    const err = await readSweep(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as Error).message).toBe(`${join(dir, 'spec.resolved.json')} is not a resolved spec (expected {"hash": string, "spec": object})`);
  });
});
