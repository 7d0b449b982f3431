// Command trials through the real run loop (runSweep) and the built CLI: the fake trainer program
// of tests/fixtures/trainers/ stands in for a user's script.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runSweep } from '../../src/sweep/session.js';
import { run, STACK } from '../e2e/helpers.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

const FAKE = fileURLToPath(new URL('../fixtures/trainers/fake-trainer.mjs', import.meta.url));

type Param = { value: unknown } | { values: unknown[] };

/** A command sweep over the fake trainer, written to `dir`; `edit` bends it. */
function commandSpec(dir: string, parameters: Record<string, Param>, edit: (s: Record<string, any>) => void = () => undefined): string {
  const spec: Record<string, any> = {
    name: 'cmd',
    seed: 3,
    task: { type: 'command', command: [process.execPath, FAKE, '--lr', '{learning_rate}'] },
    parameters: { epochs: { value: 3 }, ...parameters },
    resources: { gpus: 0, workers: 2 },
  };
  edit(spec);
  const path = join(dir, 'cmd.json');
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

const behaviours = (...b: Array<Record<string, unknown>>): Param => ({ values: b.map((x) => JSON.stringify(x)) });

describe('a command sweep through the run loop', () => {
  it('journals every epoch with every metric, completes, and reports in every format with only the flags it can compute', async () => {
    const dir = tempDir('finesweep-cmd-');
    // Trial 1 reports both losses and overfits; trial 2 reports val_loss only, with the same rising curve.
    const spec = commandSpec(dir, { learning_rate: { value: 0.01 }, behaviour: behaviours({ overfit: true, extra: true }, { overfit: true, no_train_loss: true, extra: true }) });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results') });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_completed')).toHaveLength(2);
    expect(ofType(events, 'sweep_completed')).toHaveLength(1);
    const epochs = ofType(events, 'epoch_ended');
    expect(epochs).toHaveLength(6);
    for (const e of epochs) expect(e.metrics.val_bleu).toBe(10 * e.metrics.epoch);
    const [both, valOnly] = ofType(events, 'trial_started').map((e) => e.trial_id);
    expect(epochs.filter((e) => e.trial_id === valOnly).every((e) => e.metrics.train_loss === undefined)).toBe(true);

    for (const format of ['table', 'md', 'csv', 'json', 'html']) {
      const r = await run(['report', out.dir, '--format', format], dir);
      expect(r.stderr, format).toBe('');
      expect(r.code, format).toBe(0);
    }
    expect(existsSync(join(out.dir, 'report.html'))).toBe(true);
    const board = JSON.parse((await run(['report', out.dir, '--format', 'json'], dir)).stdout) as { rows: Array<{ id: string; flags: Array<{ name: string }> }> };
    const flags = (id: string): string[] => board.rows.find((r) => r.id === id)!.flags.map((f) => f.name);
    expect(flags(both!)).toContain('overfitting');
    // No train loss: no overfitting or underfitting verdict, rather than a wrong one.
    expect(flags(valOnly!)).not.toContain('overfitting');
    expect(flags(valOnly!)).not.toContain('underfitting');
  });

  it('ranks by any metric the program reports, and refuses a sweep whose program never reports the objective, naming it', async () => {
    const dir = tempDir('finesweep-cmd-');
    const ok = commandSpec(dir, { learning_rate: { values: [0.001, 0.01] }, extra: { value: true } }, (s) => (s.objective = { metric: 'val_bleu', goal: 'maximize' }));
    const out = await runSweep(ok, { resultsDir: join(dir, 'results') });
    expect(ofType(journal(out.dir), 'trial_completed')).toHaveLength(2);

    const dir2 = tempDir('finesweep-cmd-');
    const never = commandSpec(dir2, { learning_rate: { value: 0.001 } }, (s) => (s.objective = { metric: 'val_bleu', goal: 'maximize' }));
    const err = await runSweep(never, { resultsDir: join(dir2, 'results') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('without reporting the objective metric "val_bleu" (it reported train_loss, val_loss)');
  });

  it('retries a failed program, with the tail of its stderr in the journal', async () => {
    const dir = tempDir('finesweep-cmd-');
    const spec = commandSpec(dir, { learning_rate: { value: 0.001 }, fail_at: { value: 2 } }, (s) => (s.resources.max_retries = 1));
    const out = await runSweep(spec, { resultsDir: join(dir, 'results') });
    const failed = ofType(journal(out.dir), 'trial_failed');
    expect(failed.map((f) => [f.attempt, f.will_retry])).toEqual([
      [1, true],
      [2, false],
    ]);
    for (const f of failed) expect(f.error).toMatch(/exited with code 3; stderr: .*RuntimeError: CUDA out of memory \(fake\)/);
  });

  it('a program that hangs past trial_timeout_s fails, and one that ignores SIGTERM is killed after its grace', async () => {
    const dir = tempDir('finesweep-cmd-');
    const spec = commandSpec(dir, { learning_rate: { value: 0.001 }, hang_after: { value: 1 }, behaviour: behaviours({}, { ignore_term: true }) }, (s) => {
      s.resources.trial_timeout_s = 1;
      s.resources.max_retries = 0;
      s.task.stop_grace_s = 0.5;
    });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results') });
    const errors = ofType(journal(out.dir), 'trial_failed').map((f) => f.error).sort();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe('timed out after 1 s (SIGKILL after the 0.5 s grace: it ignored SIGTERM)');
    expect(errors[1]).toMatch(/^timed out after 1 s \(it exited [\d.]+ s after SIGTERM\)$/);
  });

  it('ASHA stops a worse command trial with SIGTERM, recorded in the journal', async () => {
    const dir = tempDir('finesweep-cmd-');
    // One slot: the good trial runs first; the bad one reports a worse epoch 1, then would wait forever
    // (only a stop ends it).
    const spec = commandSpec(dir, { learning_rate: { value: 0.001 }, behaviour: behaviours({}, { offset: 1, hang_after: 1 }) }, (s) => {
      s.early_stopping = { type: 'asha', min_epochs: 1, reduction_factor: 2 };
      s.resources.workers = 1;
    });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results') });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_completed')).toHaveLength(1);
    const stopped = ofType(events, 'trial_stopped_early');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.epoch).toBe(1);
    expect(stopped[0]!.reason).toMatch(/\(it exited [\d.]+ s after SIGTERM\)$/);
  });

  it('pins each program to one GPU of the fake nvidia-smi, at most trials_per_gpu at once on each', async () => {
    const dir = tempDir('finesweep-cmd-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "GPU 0: NVIDIA Fake (UUID: GPU-0)"\necho "GPU 1: NVIDIA Fake (UUID: GPU-1)"\n');
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    const marker = join(dir, 'marks.log');
    writeFileSync(marker, '');
    // Each program holds until 4 have started: the 4 slots (2 GPUs x 2) must all be busy at once.
    const spec = commandSpec(dir, { learning_rate: { values: [1e-4, 1e-3, 1e-2, 1e-1] }, batch_size: { values: [8, 16] }, epochs: { value: 1 }, marker_file: { value: marker }, hold_starts: { value: 4 } }, (s) => {
      s.resources = { gpus: 'auto', trials_per_gpu: 2 };
    });
    const out = await runSweep(spec, { resultsDir: join(dir, 'results'), env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_completed')).toHaveLength(8);
    for (const s of ofType(events, 'trial_started')) {
      const seen = JSON.parse(readFileSync(join(out.dir, 'trials', s.trial_id, 'env.json'), 'utf8')) as Record<string, string>;
      expect(seen.CUDA_VISIBLE_DEVICES).toBe(String(s.gpu));
    }
    const running = new Map<string, number>();
    let most = 0;
    let overall = 0;
    let mostOverall = 0;
    for (const line of readFileSync(marker, 'utf8').trim().split('\n')) {
      const [what, , gpu] = line.split(' ');
      expect(['0', '1']).toContain(gpu);
      const d = what === 'start' ? 1 : -1;
      running.set(gpu!, (running.get(gpu!) ?? 0) + d);
      overall += d;
      most = Math.max(most, running.get(gpu!)!);
      mostOverall = Math.max(mostOverall, overall);
    }
    expect(most).toBe(2);
    expect(mostOverall).toBe(4);
  });
});

describe('bad command input through the built CLI', () => {
  it.each<[string, (s: Record<string, any>) => void, RegExp]>([
    ['a program not found', (s) => (s.task.command = ['pythn3', 'train.py']), /\/task\/command\/0: program "pythn3" not found on PATH$/],
    ['a program that is not executable', (s) => (s.task.command = ['./train.py']), /\/task\/command\/0: program .*train\.py is not executable/],
    ['a missing cwd', (s) => (s.task.cwd = 'nowhere'), /\/task\/cwd: directory .*nowhere does not exist$/],
    ['an empty command', (s) => (s.task.command = []), /\/task\/command: must not be empty/],
    ['a placeholder naming no parameter', (s) => s.task.command.push('{lr}'), /\/task\/command\/4: placeholder \{lr\} names no parameter/],
  ])('%s: exit 2, one line, no sweep directory', async (_name, edit, message) => {
    const dir = tempDir('finesweep-cmd-');
    writeFileSync(join(dir, 'train.py'), 'print(1)\n');
    commandSpec(dir, { learning_rate: { value: 0.001 } }, edit);
    const r = await run(['run', 'cmd.json', '--results', 'results'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });
});
