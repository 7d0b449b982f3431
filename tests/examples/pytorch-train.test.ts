// examples/pytorch/train.py speaks the command-trainer protocol: one metrics line per epoch (or,
// with --eval-every N, per N optimizer steps and epoch end, carrying step and fractional epoch),
// a checkpoint per epoch, an exact resume after kill -9 (logged with the epoch it resumed at), the
// journal's missed epochs re-reported, and one-line errors (exit 2) for bad input. Real training
// on a small slice of the spam data, in Debian's /usr/bin/python3 with python3-torch.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, python, requireTorch } from './python.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'examples/pytorch/train.py');
// Small enough for a loaded 2-core machine: 96 train / 24 validation examples, 6 steps an epoch.
const ARGS = [SCRIPT, '--lr', '1e-3', '--batch-size', '16', '--epochs', '2', '--max-examples', '120'];

let work: string;
beforeAll(() => {
  requireTorch();
  work = mkdtempSync(join(tmpdir(), 'fs-pytorch-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Metrics = Record<string, number>;

function trialEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  return { ...process.env, FINESWEEP_SEED: '7', FINESWEEP_METRICS: join(dir, 'metrics.jsonl'), FINESWEEP_CHECKPOINT_DIR: join(dir, 'checkpoint'), ...extra };
}

function metrics(dir: string): Metrics[] {
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as Metrics);
}

/** The training figures, without the timings (which differ between any two runs). */
const figures = ({ seconds: _s, examples_per_second: _e, examples_per_cpu_second: _c, ...rest }: Metrics) => rest;

/** Starts the script and SIGKILLs it as soon as epoch 1 is in its metrics file (polled, no fixed sleep). */
async function killAfterEpoch1(dir: string): Promise<void> {
  const child = spawn(PYTHON, ARGS, { env: trialEnv(dir), stdio: 'ignore' });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  for (let done = false; !done; ) {
    if (metrics(dir).length >= 1) child.kill('SIGKILL');
    done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);
  }
}

describe('examples/pytorch/train.py', () => {
  let straight: Metrics[];
  const straightDir = () => join(work, 'straight');

  it('reports every epoch with the protocol metrics and leaves a checkpoint', () => {
    const r = python(ARGS, { env: trialEnv(straightDir()) });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    straight = metrics(straightDir());
    expect(straight.map((m) => m.epoch)).toEqual([1, 2]);
    for (const m of straight) {
      for (const key of ['train_loss', 'val_loss', 'val_accuracy', 'val_f1', 'train_accuracy', 'seconds']) expect(Number.isFinite(m[key]), key).toBe(true);
      expect(m.val_accuracy).toBeGreaterThanOrEqual(0);
      expect(m.val_accuracy).toBeLessThanOrEqual(1);
    }
    expect(r.stderr).toContain('96 train / 24 validation examples');
    expect(existsSync(join(straightDir(), 'checkpoint', 'checkpoint.pt'))).toBe(true);
  });

  it('resumes after kill -9 from its checkpoint, logs the epoch, and continues exactly', async () => {
    const dir = join(work, 'killed');
    await killAfterEpoch1(dir);
    const before = metrics(dir);
    expect(before[0]!.epoch).toBe(1);
    const r = python(ARGS, { env: trialEnv(dir, { FINESWEEP_RESUME_EPOCH: String(before.at(-1)!.epoch) }) });
    expect(r.status).toBe(0);
    if (before.length === 1) {
      expect(r.stderr).toMatch(/resumed at epoch 1 from /);
      expect(metrics(dir).map((m) => m.epoch)).toEqual([1, 2]);
    } else {
      // The kill came after epoch 2 was reported: nothing is left to train.
      expect(r.stderr).toMatch(/resumed at epoch 2 from /);
    }
    // The same seed, the same batches, the restored optimizer: the same numbers as the straight run.
    expect(metrics(dir).map(figures)).toEqual(straight.map(figures));
  });

  it('re-reports the epochs a kill kept out of the journal (checkpoint ahead of FINESWEEP_RESUME_EPOCH)', () => {
    const dir = join(work, 'ahead');
    const r = python(ARGS, { env: trialEnv(dir, { FINESWEEP_RESUME_EPOCH: '1', FINESWEEP_CHECKPOINT_DIR: join(straightDir(), 'checkpoint') }) });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/resumed at epoch 2 from /);
    expect(metrics(dir)).toEqual([straight[1]]);
  });

  it('stops by itself when the process that started it dies (kill -9 of a sweep does not reach it)', async () => {
    const dir = join(work, 'orphan');
    const env = trialEnv(dir);
    // A shell starts the script, waits for epoch 1 and exits: the script is orphaned mid-epoch 2.
    const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const script = `${PYTHON} ${ARGS.map(quote).join(' ')} 2> ${quote(join(dir, 'err.txt'))} & echo $! > ${quote(join(dir, 'pid'))}; ` +
      `until grep -q '"epoch": 1' ${quote(env.FINESWEEP_METRICS!)} 2>/dev/null; do sleep 0.05; done`;
    const shell = spawn('/bin/sh', ['-c', script], { env, stdio: 'ignore' });
    await new Promise((res) => shell.on('exit', res));
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    while (existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toContain('the process that started this one has died: stopping');
    expect(metrics(dir).map((m) => m.epoch)).toEqual([1]);
  });

  describe('--eval-every N (evaluations at optimizer steps)', () => {
    // 6 steps an epoch, 2 epochs: evaluations every 4 steps and at each epoch's end.
    const STEPPED = [...ARGS, '--eval-every', '4'];
    let stepped: Metrics[];
    const steppedDir = () => join(work, 'stepped');

    it('reports step and fractional epoch every N steps and at each epoch end, training the same model', () => {
      const r = python(STEPPED, { env: trialEnv(steppedDir()) });
      expect(r.stderr).not.toMatch(/Traceback/);
      expect(r.status).toBe(0);
      stepped = metrics(steppedDir());
      expect(stepped.map((m) => m.step)).toEqual([4, 6, 8, 12]);
      expect(stepped.map((m) => m.epoch)).toEqual([4 / 6, 1, 8 / 6, 2]);
      for (const m of stepped) {
        for (const key of ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'val_f1', 'seconds']) expect(Number.isFinite(m[key]), key).toBe(true);
      }
      // Evaluating in between changes nothing in training: the epoch-end validation figures are
      // those of the epoch-only run.
      const val = ({ val_loss, val_accuracy, val_f1 }: Metrics) => ({ val_loss, val_accuracy, val_f1 });
      expect([stepped[1]!, stepped[3]!].map(val)).toEqual(straight.map(val));
    });

    it('resumes mid-epoch after kill -9 from its last evaluation (FINESWEEP_RESUME_STEP) and continues exactly', async () => {
      const dir = join(work, 'stepped-killed');
      const child = spawn(PYTHON, STEPPED, { env: trialEnv(dir), stdio: 'ignore' });
      const exited = new Promise<void>((res) => child.on('exit', () => res()));
      for (let done = false; !done; ) {
        if (metrics(dir).length >= 1) child.kill('SIGKILL');
        done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);
      }
      const before = metrics(dir);
      const last = before.at(-1)!;
      const r = python(STEPPED, { env: trialEnv(dir, { FINESWEEP_RESUME_STEP: String(last.step), FINESWEEP_RESUME_EPOCH: String(last.epoch) }) });
      expect(r.status).toBe(0);
      // At the last reported step, or a later one when the kill fell between a checkpoint and its report.
      const at = /resumed at step (\d+) from /.exec(r.stderr);
      expect(at, r.stderr).not.toBeNull();
      expect(Number(at![1])).toBeGreaterThanOrEqual(last.step!);
      expect(metrics(dir).map(figures)).toEqual(stepped.map(figures));
    });

    it('re-reports the evaluations a kill kept out of the journal (checkpoint ahead of FINESWEEP_RESUME_STEP)', () => {
      const dir = join(work, 'stepped-ahead');
      const r = python(STEPPED, { env: trialEnv(dir, { FINESWEEP_RESUME_STEP: '6', FINESWEEP_RESUME_EPOCH: '1', FINESWEEP_CHECKPOINT_DIR: join(steppedDir(), 'checkpoint') }) });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/resumed at step 12 from /);
      expect(metrics(dir)).toEqual(stepped.slice(2));
    });
  });

  it.each([
    { args: ['--lr', '-1'], env: {}, message: /argument --lr: expected a positive float, got '-1'/ },
    { args: ['--lr', '1e-3', '--data', '/nonexistent/spam.jsonl'], env: {}, message: /\/nonexistent\/spam\.jsonl: cannot read data file/ },
    { args: ['--lr', '1e-3', '--model', '/nonexistent/model'], env: {}, message: /model directory \/nonexistent\/model does not exist/ },
    { args: ['--lr', '1e-3'], env: { FINESWEEP_RESUME_EPOCH: 'two' }, message: /FINESWEEP_RESUME_EPOCH: expected a non-negative number, got 'two'/ },
    { args: ['--lr', '1e-3'], env: { FINESWEEP_RESUME_STEP: '1.5' }, message: /FINESWEEP_RESUME_STEP: expected a non-negative integer, got '1\.5'/ },
    { args: ['--lr', '1e-3', '--eval-every', '0'], env: {}, message: /argument --eval-every: expected a positive int, got '0'/ },
  ])('refuses bad input in one line with exit 2: $message', ({ args, env, message }) => {
    const r = python([SCRIPT, ...args], { env: { ...process.env, ...env } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a bad data line naming the file and line', () => {
    const dir = join(work, 'bad-data');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text": "hi", "label": "ham"}\n{not json\n');
    const r = python([SCRIPT, '--lr', '1e-3', '--data', file], { env: process.env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}:2: not a JSON line`);
  });
});
