import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError, InterruptedError } from '../../src/errors.js';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import type { SweepProgress } from '../../src/sweep/options.js';
import { syntheticTrainerUrl } from '../../bench/trainers/index.js';
import { tempDir } from '../pool/helpers.js';
import { countBy, journal, ofType, writeSpec } from './sweep-helpers.js';

describe('runSweep with synthetic trials (real worker threads)', () => {
  it('runs every trial once on the free slots and completes the sweep', async () => {
    const dir = tempDir('finesweep-run-');
    const out = await runSweep(writeSpec(dir), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const events = journal(out.dir);
    expect(ofType(events, 'sweep_started')).toHaveLength(1);
    const started = ofType(events, 'trial_started');
    expect(started).toHaveLength(6);
    expect(new Set(started.map((e) => e.trial_id)).size).toBe(6);
    expect(new Set(started.map((e) => e.slot))).toEqual(new Set([0, 1]));
    expect(ofType(events, 'epoch_ended')).toHaveLength(6);
    expect(ofType(events, 'trial_completed')).toHaveLength(6);
    expect(ofType(events, 'sweep_completed')).toEqual([expect.objectContaining({ completed: 6, failed: 0, diverged: 0 })]);
    expect(events.at(-1)?.type).toBe('sweep_completed');
    expect([...out.state.trials.values()].every((t) => t.status === 'completed')).toBe(true);
    // A trial that writes no file (a one-epoch synthetic trial: no checkpoint, no log) leaves no directory.
    expect(existsSync(join(out.dir, 'trials'))).toBe(false);
  });

  it('writes metrics.jsonl, the per-trial view of the journal, beside the files of a trial that keeps some', async () => {
    const dir = tempDir('finesweep-run-');
    // Three epochs: the synthetic trial keeps a checkpoint, so it has a directory.
    const out = await runSweep(writeSpec(dir, { learningRates: [1e-3], batchSizes: [8], epochs: 3 }), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const [trial] = ofType(journal(out.dir), 'trial_started');
    const lines = readFileSync(join(out.dir, 'trials', trial.trial_id, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { epoch: number }).epoch)).toEqual([1, 2, 3]);
  });

  it('a trial that fails before it starts (its trainer refuses to configure it) leaves no directory: the journal has its error', async () => {
    const dir = tempDir('finesweep-run-');
    // A trainer of its own whose configure throws (a real module, loaded by URL like any trainer).
    const trainer = join(dir, 'refusing-trainer.mjs');
    writeFileSync(trainer, `export default {
      name: 'refusing', place: () => 'inline',
      configure: (_task, request) => { throw new Error('cannot configure ' + request.trialId); },
      run: async () => { throw new Error('never run'); },
    };\n`);
    const out = await runSweep(writeSpec(dir, { learningRates: [1e-3], resources: { max_retries: 0 } }), { resultsDir: join(dir, 'results'), trainer: pathToFileURL(trainer).href });
    const failed = ofType(journal(out.dir), 'trial_failed');
    expect(failed).toHaveLength(2);
    expect(failed.every((f) => /^cannot configure t\d{3}-/.test(f.error) && !f.will_retry)).toBe(true);
    expect(existsSync(join(out.dir, 'trials'))).toBe(false);
  });

  it('retries a trial that throws max_retries times, logs the error, and goes on', async () => {
    const dir = tempDir('finesweep-run-');
    const out = await runSweep(writeSpec(dir, { learningRates: [1e-3], resources: { max_retries: 2 } }), {
      resultsDir: join(dir, 'results'),
      trainer: syntheticTrainerUrl('throw'),
    });
    const events = journal(out.dir);
    const failed = ofType(events, 'trial_failed');
    expect(failed).toHaveLength(2 * 3);
    for (const [, n] of countBy(failed, (e) => e.trial_id)) expect(n).toBe(3);
    const one = failed.filter((e) => e.trial_id === failed[0].trial_id);
    expect(one.map((e) => [e.attempt, e.will_retry])).toEqual([[1, true], [2, true], [3, false]]);
    expect(one[0].error).toMatch(/synthetic failure/);
    expect(readFileSync(join(out.dir, 'trials', one[0].trial_id, 'log.txt'), 'utf8')).toMatch(/attempt 3 failed: .*synthetic failure/);
    expect(ofType(events, 'sweep_completed')).toEqual([expect.objectContaining({ completed: 0, failed: 2 })]);
  });

  it('records a NaN loss as diverged without a retry', async () => {
    const dir = tempDir('finesweep-run-');
    const out = await runSweep(writeSpec(dir, { learningRates: [1e-3] }), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('nan') });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_diverged')).toHaveLength(2);
    expect(ofType(events, 'trial_started')).toHaveLength(2);
    expect(ofType(events, 'trial_failed')).toHaveLength(0);
    expect(ofType(events, 'trial_diverged')[0].reason).toMatch(/NaN/);
  });

  it('fails only the trial whose worker thread exits, retrying it once by default', async () => {
    const dir = tempDir('finesweep-run-');
    const out = await runSweep(writeSpec(dir, { learningRates: [1e-3], batchSizes: [8] }), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('exit') });
    const failed = ofType(journal(out.dir), 'trial_failed');
    expect(failed.map((e) => [e.attempt, e.will_retry])).toEqual([[1, true], [2, false]]);
    expect(failed[0].error).toMatch(/exited with code: 3/);
  });

  it('stops a hanging trial after trial_timeout_s as failed', async () => {
    const dir = tempDir('finesweep-run-');
    const spec = writeSpec(dir, { learningRates: [1e-3], batchSizes: [8], resources: { trial_timeout_s: 0.2, max_retries: 0 } });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('hang') });
    const failed = ofType(journal(out.dir), 'trial_failed');
    expect(failed).toEqual([expect.objectContaining({ error: 'timed out after 0.2 s', will_retry: false })]);
  });

  it('records a worker thread out of JS heap as out_of_memory, retried smaller down to batch 1', async () => {
    const dir = tempDir('finesweep-run-');
    const spec = writeSpec(dir, { learningRates: [1e-3], batchSizes: [2], resources: { max_retries: 0 } });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('oom'), resourceLimits: { maxOldGenerationSizeMb: 48 } });
    expect(ofType(journal(out.dir), 'trial_failed')).toEqual([
      expect.objectContaining({ attempt: 1, out_of_memory: true, will_retry: true, retry_with: { batch_size: 1, grad_accum: 2 } }),
      expect.objectContaining({ attempt: 2, out_of_memory: true, will_retry: false }),
    ]);
    expect(out.state.trials.values().next().value?.outOfMemory).toBe(true);
  });

  it('a trial out of JS heap above batch 2 completes at 2 × 4 (half the batch, twice grad_accum, each retry)', async () => {
    const dir = tempDir('finesweep-run-');
    const spec = writeSpec(dir, { learningRates: [1e-3], batchSizes: [8], resources: { max_retries: 0 }, extra: { oom_above: { value: 2 } } });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('oom'), resourceLimits: { maxOldGenerationSizeMb: 48 } });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_failed').map((f) => f.retry_with)).toEqual([{ batch_size: 4, grad_accum: 2 }, { batch_size: 2, grad_accum: 4 }]);
    expect(ofType(events, 'trial_completed')).toHaveLength(1);
    const trial = out.state.trials.values().next().value!;
    expect(trial.params.batch_size).toBe(8);
    expect(trial.retryWith).toEqual({ batch_size: 2, grad_accum: 4 });
  });

  it('refuses to run over an existing sweep: the same spec suggests resume, a changed one is refused untouched', async () => {
    const dir = tempDir('finesweep-run-');
    const results = join(dir, 'results');
    const spec = writeSpec(dir, { learningRates: [1e-3] });
    const out = await runSweep(spec, { resultsDir: results, trainer: syntheticTrainerUrl('noop') });
    const snapshot = (): string[] =>
      readdirSync(out.dir, { recursive: true }).map(String).sort().map((f) => {
        const p = join(out.dir, f);
        return statSync(p).isFile() ? `${f}:${readFileSync(p, 'utf8')}` : f;
      });
    const before = snapshot();
    await expect(runSweep(spec, { resultsDir: results, trainer: syntheticTrainerUrl('noop') })).rejects.toThrow(/finesweep resume .*synthetic/);
    writeSpec(dir, { learningRates: [1e-3, 3e-3] });
    const changed = runSweep(spec, { resultsDir: results, trainer: syntheticTrainerUrl('noop') });
    await expect(changed).rejects.toBeInstanceOf(InputError);
    await expect(changed).rejects.toThrow(/spec changed since the sweep started \(hash [0-9a-f]+ ≠ [0-9a-f]+\)/);
    expect(snapshot()).toEqual(before);
  });

  it('on interrupt records running trials as stopped; resume continues them from their checkpoint, each completing once', async () => {
    const dir = tempDir('finesweep-run-');
    const gate = join(dir, 'gate');
    const spec = writeSpec(dir, { epochs: 3, extra: { gate_file: { value: gate } } });
    const interrupt = new AbortController();
    let firstEpochs = 0;
    const onProgress = (p: SweepProgress): void => {
      // Both slots hold a trial that finished epoch 1 and waits at the gate: interrupt now.
      if (p.type === 'journal' && p.event.type === 'epoch_ended' && ++firstEpochs === 2) interrupt.abort('SIGINT');
    };
    const run = runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop'), signal: interrupt.signal, onProgress });
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    await expect(run).rejects.toThrow(/interrupted; resume with: finesweep resume .*synthetic/);
    const sweepDir = join(dir, 'results', 'synthetic');
    const stopped = ofType(journal(sweepDir), 'trial_stopped');
    expect(stopped).toHaveLength(2);
    expect(stopped.every((e) => e.epoch === 1)).toBe(true);

    writeFileSync(gate, '');
    const out = await resumeSweep(sweepDir, { trainer: syntheticTrainerUrl('noop') });
    const events = journal(sweepDir);
    const completed = ofType(events, 'trial_completed');
    expect(completed).toHaveLength(6);
    expect(new Set(completed.map((e) => e.trial_id)).size).toBe(6);
    const resumedStarts = ofType(events, 'trial_started').filter((e) => stopped.some((s) => s.trial_id === e.trial_id));
    expect(resumedStarts.map((e) => e.from_epoch)).toEqual([0, 0, 1, 1]);
    for (const t of out.state.trials.values()) expect(t.epochs.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(ofType(events, 'sweep_started').map((e) => e.resumed)).toEqual([false, true]);
  });

  it('resumes after a torn last journal line', async () => {
    const dir = tempDir('finesweep-run-');
    const spec = writeSpec(dir, { learningRates: [1e-3] });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    // Cut the journal in the middle of its second trial_completed line, as a crash mid-write would.
    const path = join(out.dir, 'journal.jsonl');
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const cut = lines.findIndex((l, i) => l.includes('"trial_completed"') && i > lines.findIndex((m) => m.includes('"trial_completed"')));
    const kept = lines.slice(0, cut).join('\n') + '\n' + lines[cut].slice(0, 25);
    writeFileSync(path, kept);
    await resumeSweep(out.dir, { trainer: syntheticTrainerUrl('noop') });
    const events = journal(out.dir);
    expect(ofType(events, 'journal_repaired')).toHaveLength(1);
    expect(ofType(events, 'trial_completed')).toHaveLength(2);
    expect(ofType(events, 'sweep_completed')).toHaveLength(1);
  });

  it('pins trials to GPUs found by nvidia-smi: 2 GPUs × 2 trials each = 4 slots, one id per trial, ≤ 2 at once per id', async () => {
    const dir = tempDir('finesweep-run-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "GPU 0: NVIDIA Fake (UUID: GPU-0)"\necho "GPU 1: NVIDIA Fake (UUID: GPU-1)"\n');
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    const marker = join(dir, 'devices.log');
    writeFileSync(marker, '');
    const spec = writeSpec(dir, {
      learningRates: [1e-4, 1e-3, 1e-2, 1e-1],
      batchSizes: [8, 16],
      resources: { gpus: 'auto', trials_per_gpu: 2 },
      extra: { marker_file: { value: marker }, hold_starts: { value: 4 } },
    });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const out = await runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('devices'), env });
    const events = journal(out.dir);
    const started = ofType(events, 'trial_started');
    expect(new Set(started.map((e) => e.slot))).toEqual(new Set([0, 1, 2, 3]));
    expect(ofType(events, 'trial_completed')).toHaveLength(8);
    // Each trial saw exactly the GPU of its slot.
    for (const s of started) {
      const log = readFileSync(join(out.dir, 'trials', s.trial_id, 'log.txt'), 'utf8');
      expect(log).toContain(`CUDA_VISIBLE_DEVICES=${s.gpu}\n`);
    }
    // Replay the start/end marks: never more than 2 trials on one GPU at once, and 4 at once overall.
    const running = new Map<string, number>();
    let most = 0;
    let mostOverall = 0;
    let overall = 0;
    for (const line of readFileSync(marker, 'utf8').trim().split('\n')) {
      const [what, , gpu] = line.split(' ');
      expect(['0', '1']).toContain(gpu);
      const n = (running.get(gpu) ?? 0) + (what === 'start' ? 1 : -1);
      overall += what === 'start' ? 1 : -1;
      running.set(gpu, n);
      most = Math.max(most, n);
      mostOverall = Math.max(mostOverall, overall);
    }
    expect(most).toBe(2);
    expect(mostOverall).toBe(4);
  });

  it('fails only the trial whose child process is killed by a signal; the sweep goes on', async () => {
    const dir = tempDir('finesweep-run-');
    const marker = join(dir, 'devices.log');
    writeFileSync(marker, '');
    // Pinned to GPU 0 (a list, no nvidia-smi needed), 'devices' trials run in child processes. They
    // hold until 99 have started, which never happens: only the kill below ends the first one.
    const spec = writeSpec(dir, {
      learningRates: [1e-3],
      batchSizes: [8],
      resources: { gpus: [0], max_retries: 0 },
      extra: { marker_file: { value: marker }, hold_starts: { value: 99 } },
    });
    const run = runSweep(spec, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('devices') });
    let pid = 0;
    while (!pid) {
      const start = readFileSync(marker, 'utf8').split('\n').find((l) => l.startsWith('start '));
      if (start) pid = Number(start.split(' ')[3]);
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(pid).not.toBe(process.pid);
    process.kill(pid, 'SIGKILL');
    const out = await run;
    const events = journal(out.dir);
    expect(ofType(events, 'trial_failed')).toEqual([expect.objectContaining({ error: 'trial process killed by signal SIGKILL', will_retry: false })]);
    expect(ofType(events, 'sweep_completed')).toEqual([expect.objectContaining({ failed: 1 })]);
  });

  it('tpe: runs the startup draws, then proposes the rest one by one from finished trials, recorded in the journal', async () => {
    const dir = tempDir('finesweep-run-');
    const path = writeSpec(dir, { name: 'tpe' });
    const spec = JSON.parse(readFileSync(path, 'utf8'));
    spec.strategy = { type: 'tpe', trials: 7, n_startup_trials: 3 };
    spec.parameters.learning_rate = { distribution: 'log_uniform', min: 1e-5, max: 1e-1 };
    writeFileSync(path, JSON.stringify(spec));
    const out = await runSweep(path, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const events = journal(out.dir);
    const proposed = ofType(events, 'trial_proposed');
    expect(proposed.map((e) => e.index)).toEqual([3, 4, 5, 6]);
    expect(ofType(events, 'trial_completed')).toHaveLength(7);
    expect(ofType(events, 'sweep_started')[0].trials).toBe(7);
    expect(ofType(events, 'sweep_completed')).toEqual([expect.objectContaining({ completed: 7 })]);
    // A resume of the finished sweep finds the proposed trials in the journal and runs nothing.
    await resumeSweep(out.dir, { trainer: syntheticTrainerUrl('noop') });
    expect(ofType(journal(out.dir), 'trial_started')).toHaveLength(7);
  });

  it('early stopping (asha): a stop decided after an epoch stops that trial at its next batch, recorded stopped early', async () => {
    const dir = tempDir('finesweep-run-');
    const path = writeSpec(dir, { name: 'asha', epochs: 3, learningRates: [1e-4, 1e-3, 1e-2, 1e-1, 3e-1, 1], batchSizes: [8], extra: { pause_ms: { value: 400 } } });
    const spec = JSON.parse(readFileSync(path, 'utf8'));
    spec.early_stopping = { type: 'asha', min_epochs: 1, reduction_factor: 2 };
    writeFileSync(path, JSON.stringify(spec));
    const out = await runSweep(path, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const events = journal(out.dir);
    const early = ofType(events, 'trial_stopped_early');
    expect(early.length).toBeGreaterThan(0);
    for (const e of early) {
      const t = out.state.trials.get(e.trial_id)!;
      expect(t.status).toBe('stopped_early');
      expect(t.epochs.length).toBeLessThan(3);
      expect(ofType(events, 'trial_started').filter((s) => s.trial_id === e.trial_id)).toHaveLength(1);
    }
    const done = ofType(events, 'sweep_completed')[0];
    expect(done.completed + done.stopped_early).toBe(6);
    expect(done.stopped_early).toBe(early.length);
  });

  it('resume keeps counting attempts: a failed trial interrupted before its retry runs as attempt 2', async () => {
    const dir = tempDir('finesweep-run-');
    const spec = writeSpec(dir, { learningRates: [1e-3], batchSizes: [8], resources: { max_retries: 2, workers: 1 } });
    const stop = new AbortController();
    const run = runSweep(spec, {
      resultsDir: join(dir, 'results'),
      trainer: syntheticTrainerUrl('throw'),
      signal: stop.signal,
      onProgress: (p) => p.type === 'journal' && p.event.type === 'trial_failed' && stop.abort('SIGINT'),
    });
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    const sweepDir = join(dir, 'results', 'synthetic');
    expect(ofType(journal(sweepDir), 'trial_failed')).toEqual([expect.objectContaining({ attempt: 1, will_retry: true })]);
    const out = await resumeSweep(sweepDir, { trainer: syntheticTrainerUrl('noop') });
    const events = journal(sweepDir);
    expect(ofType(events, 'trial_started').map((e) => e.attempt)).toEqual([1, 2]);
    expect(ofType(events, 'trial_completed')).toHaveLength(1);
    expect([...out.state.trials.values()][0]).toMatchObject({ status: 'completed', attempts: 2, failures: 1 });
  });

  it('resume refuses a sweep whose recorded spec was edited, leaving the directory untouched', async () => {
    const dir = tempDir('finesweep-run-');
    const out = await runSweep(writeSpec(dir, { learningRates: [1e-3] }), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const specFile = join(out.dir, 'spec.resolved.json');
    const saved = JSON.parse(readFileSync(specFile, 'utf8'));
    saved.spec.seed = 8;
    writeFileSync(specFile, JSON.stringify(saved));
    const snapshot = (): string[] => readdirSync(out.dir, { recursive: true }).map(String).sort().map((f) => {
      const p = join(out.dir, f);
      return statSync(p).isFile() ? `${f}:${readFileSync(p, 'utf8')}` : f;
    });
    const before = snapshot();
    const resumed = resumeSweep(out.dir, { trainer: syntheticTrainerUrl('noop') });
    await expect(resumed).rejects.toBeInstanceOf(InputError);
    await expect(resumed).rejects.toThrow(/spec changed since the sweep started \(hash [0-9a-f]+ ≠ [0-9a-f]+\)/);
    expect(snapshot()).toEqual(before);
  });
});
