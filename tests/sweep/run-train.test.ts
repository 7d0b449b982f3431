// Real fine-tunes through the whole path (spec → pool worker threads → engine → journal), kept
// tiny: a 2-layer d=16 model on 48 spam/ham examples.
import { spawn } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { saveBaseModel } from '../../src/engine/model-io.js';
import { InputError, InterruptedError } from '../../src/errors.js';
import { foldTrials } from '../../src/store/fold.js';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import type { SweepState } from '../../src/store/state.js';
import { spamSlice, tinyBase, writeLines } from '../engine/trial-fixture.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

let dir: string;
// Real training on a shared 2-core machine: allow for a loaded CI run.
const SLOW = 300_000;

beforeAll(async () => {
  await selectBackend('cpu');
  dir = tempDir('finesweep-train-');
  const base = tinyBase();
  await saveBaseModel(join(dir, 'model'), base.model, base.tokenizer, { name: 'tiny' }, base.probeTexts);
  writeLines(dir, 'train.jsonl', spamSlice(30, 18));
});

function spec(name: string, backend: string): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      seed: 3,
      task: { type: 'classification', model: 'model', data: { train: 'train.jsonl', split: 0.25 }, forgetting: false },
      parameters: { learning_rate: { values: [3e-3, 1e-2] }, batch_size: { value: 8 }, epochs: { value: 2 } },
      resources: { gpus: 0, workers: 2, backend },
    }),
  );
  return path;
}

function finalMetrics(state: SweepState): Map<string, number[]> {
  return new Map([...state.trials.values()].map((t) => {
    const m = t.epochs.at(-1)!;
    return [t.id, [m.epoch, m.train_loss, m.val_loss, m.val_accuracy ?? NaN]];
  }));
}

// cpu is exact by construction; wasm measured identical too (same kernels, same order, one thread).
describe.each(['cpu', 'wasm'])('a sweep of real fine-tunes on %s', (backend) => {
  it('trains every trial in worker threads; interrupted and resumed, it ends with the same metrics (1e-6)', async () => {
    const whole = await runSweep(spec(`whole-${backend}`, backend), { resultsDir: join(dir, 'results') });
    const events = journal(whole.dir);
    expect(ofType(events, 'trial_completed')).toHaveLength(2);
    expect(ofType(events, 'data_report')).toHaveLength(2);
    expect(ofType(events, 'data_report')[0].backend).toBe(backend);
    expect(ofType(events, 'epoch_ended')).toHaveLength(4);
    const expected = finalMetrics(whole.state);
    for (const [, m] of expected) expect(m.every(Number.isFinite)).toBe(true);

    // The same sweep, interrupted as soon as one trial finished its first epoch, then resumed.
    const stop = new AbortController();
    const cut = runSweep(spec(`cut-${backend}`, backend), {
      resultsDir: join(dir, 'results'),
      signal: stop.signal,
      onProgress: (p) => p.type === 'journal' && p.event.type === 'epoch_ended' && stop.abort('SIGINT'),
    });
    await expect(cut).rejects.toBeInstanceOf(InterruptedError);
    const cutDir = join(dir, 'results', `cut-${backend}`);
    expect(ofType(journal(cutDir), 'trial_stopped').length).toBeGreaterThan(0);
    const resumed = await resumeSweep(cutDir);
    expect(ofType(journal(cutDir), 'trial_completed')).toHaveLength(2);
    const got = finalMetrics(resumed.state);
    for (const [id, m] of expected) {
      const g = got.get(id)!;
      expect(g[0]).toBe(m[0]);
      for (let i = 1; i < m.length; i++) expect(Math.abs(g[i] - m[i])).toBeLessThan(1e-6);
    }
  }, SLOW);
});

describe('a sweep of real fine-tunes killed with SIGKILL (compiled CLI)', () => {
  it('resumes from the last checkpoints: every trial completes once, with the metrics of an uninterrupted run (cpu, 1e-6)', async () => {
    const whole = await runSweep(spec('whole-kill', 'cpu'), { resultsDir: join(dir, 'results') });
    const expected = finalMetrics(whole.state);

    const cli = (args: string[]) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/finesweep.js'), ...args], { cwd: dir, stdio: 'ignore' });
      return { child, done: new Promise<number | null>((res) => child.on('close', (code) => res(code))) };
    };
    spec('killed', 'cpu');
    const sweepDir = join(dir, 'results', 'killed');
    const run = cli(['run', 'killed.json']);
    let exited = false;
    void run.done.then(() => (exited = true));
    // kill -9 as soon as one trial has finished an epoch: both trials are mid-training.
    while (ofType(journal(sweepDir), 'epoch_ended').length === 0) {
      if (exited) throw new Error('the sweep ended before it could be killed');
      await new Promise((r) => setTimeout(r, 25));
    }
    run.child.kill('SIGKILL');
    await run.done;
    expect(ofType(journal(sweepDir), 'trial_completed').length).toBeLessThan(2);

    expect(await cli(['resume', sweepDir]).done).toBe(0);
    const events = journal(sweepDir);
    const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed.sort()).toEqual([...expected.keys()].sort());
    // The trial that had finished epoch 1 continued from that checkpoint, not from scratch.
    expect(ofType(events, 'trial_started').some((e) => e.from_epoch === 1)).toBe(true);
    const got = finalMetrics(foldTrials(events));
    for (const [id, m] of expected) {
      const g = got.get(id)!;
      expect(g[0]).toBe(m[0]);
      for (let i = 1; i < m.length; i++) expect(Math.abs(g[i] - m[i])).toBeLessThan(1e-6);
    }
  }, SLOW);
});

describe('a sweep whose model directory is missing', () => {
  it('is refused before its sweep directory exists, naming the field and the path; fixed, run completes it', async () => {
    const path = spec('no-model', 'cpu');
    renameSync(join(dir, 'model'), join(dir, 'model-aside'));
    const sweepDir = join(dir, 'results', 'no-model');
    try {
      const run = runSweep(path, { resultsDir: join(dir, 'results'), workers: 1 });
      await expect(run).rejects.toBeInstanceOf(InputError);
      await expect(run).rejects.toThrow(/\/task\/model: directory .*model does not exist/);
      expect(existsSync(sweepDir)).toBe(false);
    } finally {
      renameSync(join(dir, 'model-aside'), join(dir, 'model'));
    }
    const out = await runSweep(path, { resultsDir: join(dir, 'results'), workers: 1 });
    expect([...out.state.trials.values()].map((t) => t.status)).toEqual(['completed', 'completed']);
  }, SLOW);
});
