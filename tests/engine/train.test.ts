// `finesweep train`: the real CLI in a child process (needs `npm run build` first), on a tiny base
// model saved in the shipped format.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveBaseModel } from '../../src/engine/model-io.js';
import { spamSlice, tempDir, tinyBase, writeLines } from './trial-fixture.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'finesweep.js');
let dir: string;

beforeAll(async () => {
  dir = tempDir('finesweep-train-');
  const { model, tokenizer, probeTexts } = tinyBase();
  await saveBaseModel(join(dir, 'model'), model, tokenizer, { name: 'tiny-test' }, probeTexts);
  model.dispose();
  writeLines(dir, 'spam.jsonl', spamSlice(30, 18));
});

function config(name: string, body: object): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
}

const trial = {
  trialId: 'debug',
  seed: 3,
  task: { type: 'classification', model: 'model', data: { train: 'spam.jsonl', split: 0.25 }, method: 'top_k', topK: 1 },
  params: { learning_rate: 0.003, batch_size: 8, epochs: 2 },
};

function train(args: string[]) {
  return spawnSync(process.execPath, [bin, 'train', ...args], { encoding: 'utf8' });
}

describe('finesweep train', () => {
  it('runs one trial from a trial JSON (paths relative to it) and prints per-epoch metrics', () => {
    const path = config('trial.json', trial);
    const r = train(['--config', path, '--backend', 'cpu']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/backend: cpu/);
    expect(r.stdout).toMatch(/data: train 35, validation 13, labels \{"ham":22,"spam":13\}/);
    expect(r.stdout).toMatch(/baseline: majority rate 0\.6154/);
    expect(r.stdout).toMatch(/^epoch 1 {2}train_loss \d+\.\d{4} {2}train_acc .* val_acc \d\.\d{4} {2}val_f1/m);
    expect(r.stdout).toMatch(/^epoch 2 /m);
    expect(r.stdout).toMatch(/forgetting: general-corpus perplexity [\d.]+ -> [\d.]+/);
    expect(r.stdout).toMatch(/^completed in [\d.]+s; checkpoint in .*trial\.json\.run\/checkpoint$/m);
    // Run again: the trial resumes from its last checkpoint instead of training again.
    const again = train(['--config', path, '--backend', 'cpu']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/resumed after epoch 2/);
    expect(again.stdout).not.toMatch(/^epoch /m);
  });

  it('stops at a batch boundary on SIGINT (exit 130) and the next run resumes', async () => {
    const path = config('int.json', { ...trial, params: { ...trial.params, epochs: 4 } });
    const child = spawn(process.execPath, [bin, 'train', '--config', path, '--backend', 'cpu']);
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // The first epoch line is the marker that training is under way.
        if (/^epoch 1 /m.test(out) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(130);
    // The signal lands at the next batch boundary, in epoch 2 or (on a busy machine) later.
    const stoppedIn = Number(/^stopped \(stopped in epoch (\d) after batch \d of 5\)/m.exec(out)?.[1]);
    expect(stoppedIn).toBeGreaterThanOrEqual(2);
    expect(err).toMatch(/^finesweep: stopped; run the same command again to resume\n$/);
    const again = train(['--config', path, '--backend', 'cpu']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`resumed after epoch ${stoppedIn - 1}`);
    expect(again.stdout).toMatch(/^epoch 4 /m);
    expect(again.stdout).not.toMatch(/^epoch 1 /m);
  });

  it('refuses bad input with one line and exit code 2', () => {
    const noType = train(['--config', config('bad1.json', { ...trial, task: { ...trial.task, type: 'regression' } })]);
    expect(noType.status).toBe(2);
    expect(noType.stderr).toMatch(/^finesweep: .*bad1\.json: task\.type: expected "classification" or "causal-lm", got "regression"\n$/);
    const badData = writeLines(dir, 'bad.jsonl', ['{"text":"a","label":"x"}', '{"text":"b","label":["y"]}']);
    const r = train(['--config', config('bad2.json', { ...trial, task: { ...trial.task, data: { train: 'bad.jsonl' } } }), '--backend', 'cpu']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`finesweep: ${badData}:2: label field 'label' has unknown label type an array; expected a string, number or boolean\n`);
    const noModel = train(['--config', config('bad3.json', { ...trial, task: { ...trial.task, model: 'nowhere' } }), '--backend', 'cpu']);
    expect(noModel.status).toBe(2);
    expect(noModel.stderr).toMatch(/nowhere does not exist/);
    const badBackend = train(['--config', config('trial4.json', trial), '--backend', 'tpu']);
    expect(badBackend.status).toBe(2);
    expect(badBackend.stderr).toMatch(/--backend: expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu, got "tpu"/);
    const badLr = train(['--config', config('bad5.json', { ...trial, params: { ...trial.params, learning_rate: -1 } }), '--backend', 'cpu']);
    expect(badLr.status).toBe(2);
    expect(badLr.stderr).toMatch(/params\.learning_rate: expected a positive number, got -1/);
    expect(train(['--config', join(dir, 'missing.json')]).stderr).toMatch(/missing\.json: cannot read \(ENOENT\)/);
  });
});
