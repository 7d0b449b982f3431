// Bad input of the step axis: one line naming the key, exit 2, nothing on disk (the compiled CLI:
// `npm run build` first). And what it accepts: max_steps instead of epochs.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runSweep } from '../../src/sweep/session.js';
import { syntheticTrainerUrl } from '../../bench/trainers/index.js';
import { tempDir } from '../pool/helpers.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');
const ROOT = resolve(import.meta.dirname, '../..');

function spec(dir: string, change: (s: Record<string, any>) => void): string {
  const s: Record<string, any> = {
    name: 'steps-input',
    task: { type: 'classification', model: join(ROOT, 'models/base'), data: { train: join(ROOT, 'sweeps/data/spam.jsonl') } },
    parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 16 }, epochs: { value: 1 } },
    resources: { gpus: 0, workers: 1 },
  };
  change(s);
  const path = join(dir, 'spec.json');
  writeFileSync(path, JSON.stringify(s, null, 2));
  return path;
}

describe('bad input on the step axis', () => {
  it.each([
    ['task.eval_every_steps < 1', (s: Record<string, any>) => (s.task.eval_every_steps = 0), /\/task\/eval_every_steps: .*>= 1/],
    ['a swept eval_every_steps < 1', (s: Record<string, any>) => (s.parameters.eval_every_steps = { values: [50, 0] }), /\/parameters\/eval_every_steps\/values\/1: .*integer >= 1/],
    ['min_steps < 1', (s: Record<string, any>) => (s.early_stopping = { type: 'asha', min_steps: 0 }), /\/early_stopping\/min_steps: .*>= 1/],
    ['max_steps that is not an integer', (s: Record<string, any>) => (s.parameters.max_steps = { value: 2.5 }), /\/parameters\/max_steps\/value: .*integer >= 1/],
  ])('%s: one line, exit 2, no sweep directory', (_name, change, message) => {
    const dir = tempDir('finesweep-steps-input-');
    const r = spawnSync(process.execPath, [CLI, 'run', spec(dir, change), '--results', join(dir, 'results')], { encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });

  it('min_steps with a trainer that reports epochs only is refused before the sweep directory exists', async () => {
    const dir = tempDir('finesweep-steps-input-');
    const path = spec(dir, (s) => (s.early_stopping = { type: 'median', min_steps: 20 }));
    const run = runSweep(path, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(`${path}: /early_stopping/min_steps: this task's trainer reports whole epochs only (no optimizer steps); use min_epochs`);
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });

  it('takes max_steps in place of epochs', () => {
    const dir = tempDir('finesweep-steps-input-');
    const path = spec(dir, (s) => {
      delete s.parameters.epochs;
      s.parameters.max_steps = { values: [40, 80] };
      s.task.eval_every_steps = 20;
      s.early_stopping = { type: 'asha', min_steps: 20 };
    });
    const r = spawnSync(process.execPath, [CLI, 'validate', path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // Neither: the budget is missing.
    const none = spec(dir, (s) => delete s.parameters.epochs);
    const bad = spawnSync(process.execPath, [CLI, 'validate', none], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/\/parameters\/epochs: required but missing/);
  });
});
