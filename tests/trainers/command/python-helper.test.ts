// python/finesweep.py under the real command trainer and real Python: the functions, and HFCallback
// driven with the event sequence and argument objects that transformers documents (transformers
// itself is not installable here: tests/fixtures/python/drive_hf_callback.py plays its Trainer).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../examples/python.js';
import { attempt, envSeen } from './helpers.js';

const DRIVER = fileURLToPath(new URL('../../fixtures/python/drive_hf_callback.py', import.meta.url));
const driver = [PYTHON, DRIVER];
const driverResult = (dir: string, rank = 0) => JSON.parse(readFileSync(join(dir, `driver-${rank}.json`), 'utf8')) as { saves: Array<[string, number]>; stopped_at: number; should_training_stop: boolean };

describe('finesweep.HFCallback, driven as transformers Trainer drives a callback', () => {
  it('reports each evaluation at state.global_step with state.epoch, eval_* as val_*, with the last training loss', async () => {
    const a = attempt({ max_steps: 10, steps_per_epoch: 4, eval_steps: 3, learning_rate: 0.1 }, { task: { command: driver } });
    const result = await a.done;
    expect(result.outcome).toBe('completed');
    expect(result.epochs.map((e) => [e.epoch, e.step])).toEqual([[0.75, 3], [1.5, 6], [2.25, 9]]);
    expect(result.epochs[0]).toMatchObject({ train_loss: 1.5385, val_loss: 1.6923, val_accuracy: 0.503, val_runtime: 0.1 });
    expect(driverResult(a.req.dir)).toEqual({ saves: [['save', 3], ['save', 6], ['save', 9]], stopped_at: 10, should_training_stop: false });
  });

  it('a stop: the stop file makes it set should_save and should_training_stop; the Trainer saves and ends, no signal sent', async () => {
    const a = attempt(
      { max_steps: 40, steps_per_epoch: 4, eval_steps: 3, wait_for_stop_at: 3 },
      { task: { command: driver, stop_grace_s: 60 }, onEvent: (e, at) => e.type === 'epoch' && at.stop.abort('asha: below rung 0') },
    );
    const result = await a.done;
    expect(result.outcome).toBe('stopped');
    expect(result.termination?.endedBy).toBe('stop_file');
    expect(result.reason).toMatch(/^asha: below rung 0 \(it saved and exited [\d.]+ s after its stop file\)$/);
    // It stopped at the first event that saw the stop file (the save of step 3, or step 4), its last step saved.
    const driven = driverResult(a.req.dir);
    expect(driven.should_training_stop).toBe(true);
    expect([3, 4]).toContain(driven.stopped_at);
    expect(driven.saves.at(-1)).toEqual(['save', driven.stopped_at]);
    expect(readFileSync(join(a.req.dir, 'stop'), 'utf8')).toBe('asha: below rung 0\n');
  });

  it('under torchrun only rank 0 reports', async () => {
    const a = attempt({ max_steps: 6, steps_per_epoch: 3, eval_steps: 3, rank: 1 }, { task: { command: driver, env: { RANK: '1' } } });
    const err = (await a.done.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/exited 0 without reporting an evaluation/);
    expect(driverResult(a.req.dir, 1).stopped_at).toBe(6); // it trained; it only did not report
  });

  it('resumes after the last journaled step: FINESWEEP_RESUME_STEP, and the count of evaluations goes on', async () => {
    const a = attempt(
      { max_steps: 10, steps_per_epoch: 4, eval_steps: 3 },
      { task: { command: [...driver] }, req: { resumeEpoch: 1.5, resumeFrom: { epoch: 1.5, step: 6, val_loss: 1 } } },
    );
    const result = await a.done;
    expect(result.epochs.map((e) => [e.epoch, e.step])).toEqual([[2.25, 9]]);
  });
});

describe('finesweep.params / report / should_stop / checkpoint_dir / resume_step', () => {
  it('a plain loop: parameters in, one line an evaluation, the checkpoint folder, the resume step, the stop file', async () => {
    const script = [
      'import finesweep, os, json',
      'p = finesweep.params()',
      'open(os.path.join(os.environ["FINESWEEP_TRIAL_DIR"], "env.json"), "w").write(json.dumps({**{k: v for k, v in os.environ.items() if k.startswith("FINESWEEP_")}, "ckpt": finesweep.checkpoint_dir(), "stop": finesweep.should_stop(), "gpus": finesweep.num_gpus()}))',
      'for step in range(finesweep.resume_step() + 1, p["max_steps"] + 1):',
      '    finesweep.report(step=step, epoch=step / 4, val_loss=1 / step, note="text is dropped")',
    ].join('\n');
    const a = attempt({ max_steps: 5 }, { task: { command: [PYTHON, '-c', script] }, req: { resumeEpoch: 0.5, resumeFrom: { epoch: 0.5, step: 2 }, gpus: [1, 3] } });
    const result = await a.done;
    expect(result.epochs.map((e) => [e.epoch, e.step, e.val_loss])).toEqual([[0.75, 3, 1 / 3], [1, 4, 0.25], [1.25, 5, 0.2]]);
    const seen = envSeen(a.req.dir);
    expect(seen).toMatchObject({ FINESWEEP_RESUME_STEP: '2', FINESWEEP_RESUME_EPOCH: '0.5', FINESWEEP_NUM_GPUS: '2', ckpt: a.req.checkpointDir, stop: false, gpus: 2 });
    // should_stop() told finesweep that this program reads its stop file.
    expect(existsSync(join(a.req.dir, 'stop.listening'))).toBe(true);
  });
});
