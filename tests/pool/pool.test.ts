import { describe, expect, it, afterAll } from 'vitest';
import type { TrialEvent } from '../../src/trial/types.js';
import { TrialPool } from '../../src/pool/pool.js';
import { syntheticJob, tempDir } from './helpers.js';

describe('TrialPool (real worker threads and child processes)', () => {
  const pool = new TrialPool({ slots: [{ id: 0 }, { id: 1 }], resourceLimits: { maxOldGenerationSizeMb: 64 } });
  afterAll(() => pool.close());

  it('runs a noop trial in a worker thread and streams its epoch event', async () => {
    const events: TrialEvent[] = [];
    const run = await pool.run(pool.slots[0], syntheticJob('noop', tempDir()), { onEvent: (e) => events.push(e) });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.result.outcome).toBe('completed');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(1);
  });

  it('reports a trial that throws as failed with its message', async () => {
    const run = await pool.run(pool.slots[0], syntheticJob('throw', tempDir()));
    expect(run).toMatchObject({ ok: false, error: { message: 'synthetic failure of trial t-throw', outOfMemory: false } });
  });

  it('fails only the trial whose worker thread calls process.exit, and keeps serving', async () => {
    const [dead, alive] = await Promise.all([
      pool.run(pool.slots[0], syntheticJob('exit', tempDir())),
      pool.run(pool.slots[1], syntheticJob('noop', tempDir())),
    ]);
    expect(dead.ok).toBe(false);
    if (!dead.ok) expect(dead.error.message).toMatch(/exited with code: 3/);
    expect(alive.ok).toBe(true);
    const after = await pool.run(pool.slots[0], syntheticJob('noop', tempDir()));
    expect(after.ok).toBe(true);
  });

  it('records a JS heap exhausted in a worker thread as out of memory', async () => {
    const run = await pool.run(pool.slots[0], syntheticJob('oom', tempDir()));
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.error.outOfMemory).toBe(true);
    expect((await pool.run(pool.slots[0], syntheticJob('noop', tempDir()))).ok).toBe(true);
  });

  it('records a wasm out-of-memory abort as out of memory (the thread ends itself) and goes on', async () => {
    const run = await pool.run(pool.slots[0], syntheticJob('throw', tempDir(), { error_message: 'Aborted(OOM). Build with -sASSERTIONS for more info.' }));
    expect(run).toMatchObject({ ok: false, error: { outOfMemory: true, message: expect.stringMatching(/^Aborted\(OOM\)/) } });
    expect((await pool.run(pool.slots[0], syntheticJob('noop', tempDir()))).ok).toBe(true);
  });

  it('stops a hanging trial gracefully through its AbortSignal', async () => {
    const stop = new AbortController();
    const started = pool.run(pool.slots[1], syntheticJob('hang', tempDir()), { stop: stop.signal });
    stop.abort('interrupted');
    const run = await started;
    expect(run).toMatchObject({ ok: true, result: { outcome: 'stopped', reason: 'interrupted' } });
  });

  it('kills a trial thread on a hard stop', async () => {
    const kill = new AbortController();
    const started = pool.run(pool.slots[1], syntheticJob('hang', tempDir()), { kill: kill.signal });
    kill.abort('second interrupt');
    const run = await started;
    expect(run).toMatchObject({ ok: false, error: { message: 'trial killed: second interrupt' } });
  });

  it('runs an inline trial in this thread, with both the stop and the kill signal', async () => {
    const stop = new AbortController();
    const job = syntheticJob('hang', tempDir(), {}, { place: 'inline' });
    const started = pool.run(pool.slots[0], job, { stop: stop.signal });
    stop.abort('interrupted');
    expect(await started).toMatchObject({ ok: true, result: { outcome: 'stopped', reason: 'interrupted' } });
    const kill = new AbortController();
    const stuck = pool.run(pool.slots[0], syntheticJob('hang', tempDir(), { ignore_stop: true }, { place: 'inline' }), { kill: kill.signal });
    kill.abort('second interrupt');
    expect(await stuck).toMatchObject({ ok: false, error: { message: 'trial killed: second interrupt' } });
  });

  it('fails a trial whose trainer module cannot be loaded, naming it', async () => {
    const run = await pool.run(pool.slots[0], { trainer: new URL('./no-such-trainer.js', import.meta.url).href, config: {} });
    expect(run).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no-such-trainer/) } });
  });

  it('never runs two trials on one slot at once', async () => {
    const stop = new AbortController();
    const first = pool.run(pool.slots[0], syntheticJob('hang', tempDir()), { stop: stop.signal });
    await expect(pool.run(pool.slots[0], syntheticJob('noop', tempDir()))).rejects.toThrow(/already running/);
    stop.abort('done');
    await first;
  });

  it('runs a GPU-pinned devices trial in a child process that sees only its GPU', async () => {
    const events: TrialEvent[] = [];
    const job = syntheticJob('devices', tempDir(), {}, { place: 'child' });
    expect(await TrialPool.placeOf(job)).toBe('child');
    const run = await pool.run({ id: 5, gpu: 3 }, job, { onEvent: (e) => events.push(e) });
    expect(run.ok).toBe(true);
    expect(events).toContainEqual({ type: 'log', message: 'CUDA_VISIBLE_DEVICES=3' });
  });

  it('fails only the trial whose child process is killed by a signal', async () => {
    const kill = new AbortController();
    const job = syntheticJob('hang', tempDir(), {}, { place: 'child' });
    expect(await TrialPool.placeOf(job)).toBe('child');
    const started = pool.run({ id: 6 }, job, { kill: kill.signal, onEvent: () => {} });
    kill.abort('test');
    const run = await started;
    expect(run).toMatchObject({ ok: false, error: { message: 'trial process killed by signal SIGKILL' } });
  });
});
