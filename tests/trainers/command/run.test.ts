// The command trainer on real child processes (the fake trainer program): each protocol rule.
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { commandTrainer } from '../../../src/trainers/command/trainer.js';
import { alive, attempt, envSeen, epochsOf, FAKE_TRAINER, FIXTURES_DIR, request, waitForDeath, waitForFile } from './helpers.js';

describe('command trainer: a program that runs to the end', () => {
  it('completes, one epoch event per line, with the protocol environment and argv placeholders', async () => {
    const a = attempt(
      { learning_rate: 0.001, batch_size: 16 },
      {
        task: { command: [process.execPath, FAKE_TRAINER, '--lr', '{learning_rate}', '--bs={batch_size}', '{{literal}}', '{"json": 1}'], env: { MY_LR: 'lr={learning_rate}' } },
        req: { gpus: [2], seed: 42 },
      },
    );
    const result = await a.done;
    expect(result.outcome).toBe('completed');
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const epochs = epochsOf(a.events);
    expect(epochs).toEqual(result.epochs);
    expect(epochs[0]!.train_loss).toBeCloseTo(1 / 3);
    expect(epochs[2]!.val_loss).toBeCloseTo(0.25 + 0.001);
    for (const e of epochs) expect(e.seconds).toBeGreaterThanOrEqual(0);
    const seen = envSeen(a.req.dir);
    expect(seen.argv).toEqual(['--lr', '0.001', '--bs=16', '{literal}', '{"json": 1}']);
    expect(JSON.parse(seen.FINESWEEP_PARAMS as string)).toEqual({ epochs: 3, learning_rate: 0.001, batch_size: 16 });
    expect(seen).toMatchObject({
      FINESWEEP_TRIAL_ID: 't1',
      FINESWEEP_TRIAL_DIR: a.req.dir,
      FINESWEEP_CHECKPOINT_DIR: a.req.checkpointDir,
      FINESWEEP_SEED: '42',
      CUDA_VISIBLE_DEVICES: '2',
      cwd: FIXTURES_DIR.replace(/\/$/, ''),
    });
    expect(seen.FINESWEEP_RESUME_EPOCH).toBeUndefined();
    expect(seen.FINESWEEP_METRICS).toMatch(new RegExp(`^${a.req.dir}/reported-[0-9a-f]{12}\\.jsonl$`));
    // The program's own output is kept in the trial directory.
    expect(readFileSync(join(a.req.dir, 'output.log'), 'utf8')).toContain('epoch 3: training...');
  });

  it('keeps every numeric metric a program reports (an extra one can be the objective)', async () => {
    const a = attempt({ extra: true });
    const result = await a.done;
    expect(result.epochs.map((e) => e.val_bleu)).toEqual([10, 20, 30]);
  });

  it('waits for the rest of a torn line, and takes a last line left without its newline', async () => {
    const torn = await attempt({ torn: true, epochs: 2 }).done;
    expect(torn.outcome).toBe('completed');
    expect(torn.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const unterminated = await attempt({ no_final_newline: true, epochs: 2 }).done;
    expect(unterminated.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('pins the program to the slot\'s GPUs and leaves CUDA_VISIBLE_DEVICES alone on CPU', async () => {
    const two = attempt({ epochs: 1 }, { req: { gpus: [0, 3] } });
    await two.done;
    expect(envSeen(two.req.dir).CUDA_VISIBLE_DEVICES).toBe('0,3');
    const cpu = attempt({ epochs: 1 }, { task: { env: { CUDA_VISIBLE_DEVICES: 'from-spec' } } });
    await cpu.done;
    expect(envSeen(cpu.req.dir).CUDA_VISIBLE_DEVICES).toBe('from-spec');
  });
});

describe('command trainer: failures', () => {
  it('a non-zero exit fails the attempt with the tail of stderr in the error and the log', async () => {
    const a = attempt({ fail_at: 2 });
    const err = (await a.done.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(InputError); // retried per max_retries
    expect(err.message).toContain('exited with code 3');
    expect(err.message).toContain('RuntimeError: CUDA out of memory (fake)');
    expect(epochsOf(a.events).map((e) => e.epoch)).toEqual([1]);
    const logged = a.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logged).toContain('stderr: Traceback (most recent call last):');
    expect(logged).toContain('stderr: RuntimeError: CUDA out of memory (fake)');
  });

  it('a garbage line fails the attempt, naming the line', async () => {
    const a = attempt({ garbage_at: 2 });
    const err = (await a.done.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/reported-[0-9a-f]+\.jsonl line 2: not JSON: "loss is 0\.5, all good"/);
    expect(epochsOf(a.events).map((e) => e.epoch)).toEqual([1]);
  });

  it('an exit 0 before the last epoch, or without any epoch, is a failure', async () => {
    const short = (await attempt({ exit_after: 2 }).done.catch((e: unknown) => e)) as Error;
    expect(short.message).toMatch(/exited 0 after epoch 2 of 3$/);
    const silent = commandTrainer.configure({ type: 'command', command: [process.execPath, '-e', ''] }, request({}), { specDir: FIXTURES_DIR });
    const none = (await commandTrainer.run(silent, { signal: new AbortController().signal, onEvent: () => undefined }).catch((e: unknown) => e)) as Error;
    expect(none.message).toContain('exited 0 without reporting an evaluation to $FINESWEEP_METRICS');
  });

  it('a program that prints nothing leaves no output.log (the file is made at its first output)', async () => {
    const req = request({});
    const quiet = commandTrainer.configure(
      { type: 'command', command: [process.execPath, '-e', 'for (const epoch of [1, 2, 3]) require("fs").appendFileSync(process.env.FINESWEEP_METRICS, JSON.stringify({ epoch, val_loss: 0.5 }) + "\\n")'] },
      req,
      { specDir: FIXTURES_DIR },
    );
    const result = await commandTrainer.run(quiet, { signal: new AbortController().signal, onEvent: () => undefined });
    expect(result.outcome).toBe('completed');
    expect(readdirSync(req.dir).filter((n) => /^reported-[0-9a-f]+\.jsonl$/.test(n))).toHaveLength(1);
    expect(existsSync(join(req.dir, 'output.log'))).toBe(false);
  });

  it('a program that cannot start is bad input (not retried)', async () => {
    const config = commandTrainer.configure({ type: 'command', command: ['./no-such-program'] }, request({}), { specDir: FIXTURES_DIR });
    const err = await commandTrainer.run(config, { signal: new AbortController().signal, onEvent: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('/task/command/0: cannot start');
  });

  it('a NaN loss is a divergence, and the program is ended', async () => {
    const a = attempt({ nan_at: 2, epochs: 5 });
    const result = await a.done;
    expect(result.outcome).toBe('diverged');
    expect(result.reason).toBe('val_loss became NaN at epoch 2');
    expect(result.epochs.map((e) => e.epoch)).toEqual([1]);
  });

});

describe('command trainer: stops', () => {
  it('a stop sends SIGTERM to the process group and records that the program ended on it', async () => {
    const a = attempt({ hang_after: 1 }, { onEvent: (e, at) => e.type === 'epoch' && at.stop.abort('asha: below rung 0') });
    const result = await a.done;
    expect(result.outcome).toBe('stopped');
    expect(result.termination?.endedBy).toBe('SIGTERM');
    expect(result.reason).toMatch(/^asha: below rung 0 \(it exited [\d.]+ s after SIGTERM\)$/);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1]);
  });

  it('a program that ignores SIGTERM is killed after stop_grace_s, and the result says so', async () => {
    const a = attempt({ hang_after: 1, ignore_term: true }, { task: { stop_grace_s: 0.5 }, onEvent: (e, at) => e.type === 'epoch' && at.stop.abort('median') });
    const result = await a.done;
    expect(result.outcome).toBe('stopped');
    expect(result.termination?.endedBy).toBe('SIGKILL');
    expect(result.reason).toBe('median (SIGKILL after the 0.5 s grace: it ignored SIGTERM)');
    expect(readFileSync(join(a.req.dir, 'sigterm'), 'utf8')).toBe('ignored\n'); // it did get the SIGTERM first
  });

  it('the hard kill sends SIGKILL at once', async () => {
    const a = attempt({ hang_after: 1, ignore_term: true }, { onEvent: (e, at) => e.type === 'epoch' && at.kill.abort() });
    const result = await a.done;
    expect(result.outcome).toBe('stopped');
    expect(result.reason).toBe('killed (SIGKILL to its process group)');
    expect(existsSync(join(a.req.dir, 'sigterm'))).toBe(false);
  });

  it('the whole process group goes: a grandchild dies too', async () => {
    const a = attempt({ grandchild: true });
    const pidFile = join(a.req.dir, 'grandchild.pid');
    await waitForFile(pidFile, 'the grandchild');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    a.stop.abort('interrupted (SIGINT)');
    const result = await a.done;
    expect(result.outcome).toBe('stopped');
    try {
      await waitForDeath(pid);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('command trainer: resume', () => {
  it('sets FINESWEEP_RESUME_EPOCH and ignores the epochs reported up to it (a program that starts again)', async () => {
    const a = attempt({}, { req: { resumeEpoch: 2 } });
    const result = await a.done;
    expect(envSeen(a.req.dir).FINESWEEP_RESUME_EPOCH).toBe('2');
    expect(result.outcome).toBe('completed');
    expect(result.epochs.map((e) => e.epoch)).toEqual([3]);
    expect(epochsOf(a.events).map((e) => e.epoch)).toEqual([3]);
  });

  it("reports into a new file each attempt: a program an earlier attempt left running cannot write into this one's", async () => {
    const first = attempt({});
    expect((await first.done).outcome).toBe('completed');
    const earlier = envSeen(first.req.dir).FINESWEEP_METRICS as string;
    // The next attempt in the same trial directory, while the earlier program (orphaned by a kill -9
    // of its controller, say) appends to the file it was given, as programs do, by path.
    const next = attempt({}, {
      req: { dir: first.req.dir, checkpointDir: first.req.checkpointDir },
      onEvent: (e) => e.type === 'epoch' && e.metrics.epoch === 1 && appendFileSync(earlier, '{"epoch": 1, "train_loss": 9, "val_loss": 9}\n'),
    });
    const result = await next.done;
    expect(result.outcome).toBe('completed');
    expect(result.epochs.map((e) => e.val_loss)).not.toContain(9);
    expect(envSeen(next.req.dir).FINESWEEP_METRICS).not.toBe(earlier);
  });

  it('completes a trial resumed at its last epoch (killed between its last evaluation and its end) whose program has nothing left to report', async () => {
    // The fake trainer resuming at epoch 3 of 3 reports nothing and exits 0 (a kill -9 fuzz met this).
    const a = attempt({ resume: true, epochs: 3 }, { req: { resumeEpoch: 3 } });
    const result = await a.done;
    expect(result.outcome).toBe('completed');
    expect(result.epochs).toEqual([]);
    // Resumed short of its epochs and reporting nothing more: still a failure, naming where it stopped.
    const short = attempt({ epochs: 3, exit_after: 2 }, { req: { resumeEpoch: 2 } });
    await expect(short.done).rejects.toThrow(/exited 0 after epoch 2 of 3/);
  });

  it('a program that resumes reports only the epochs after it', async () => {
    const a = attempt({ resume: true, epochs: 4 }, { req: { resumeEpoch: 2 } });
    const result = await a.done;
    expect(result.epochs.map((e) => e.epoch)).toEqual([3, 4]);
    expect(readFileSync(join(a.req.dir, 'output.log'), 'utf8')).toContain('resumed at epoch 3');
  });
});
