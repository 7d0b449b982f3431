// task.metrics on real programs: a script that knows nothing of finesweep, swept from what it prints
// (stdout or stderr; fairseq-style lines through patterns, transformers' dicts, Katib's name=value),
// and the one-line errors for a report finesweep cannot read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../examples/python.js';
import { attempt, FIXTURES_DIR } from './helpers.js';

const PLAIN = join(FIXTURES_DIR, 'plain_sgd.py');
const plain = (...extra: string[]) => [PYTHON, PLAIN, '--lr', '{learning_rate}', '--epochs', '{epochs}', ...extra];

describe('metrics read from the program\'s own output', () => {
  it('fairseq-style lines on stdout through two patterns: one evaluation an epoch, both patterns in it', async () => {
    const a = attempt(
      { learning_rate: 0.05, epochs: 3 },
      { task: { command: plain(), metrics: { from: 'stdout', regex: ['\\| epoch (?<epoch>\\d+) \\| step (?<step>\\d+) \\| train loss (?<train_loss>[\\d.]+)', '\\| end of epoch (?<epoch>\\d+) \\| valid loss (?P<val_loss>[\\d.]+) \\| valid ppl (?<val_ppl>[\\d.]+)'] } } },
    );
    const result = await a.done;
    expect(result.outcome).toBe('completed');
    expect(result.epochs.map((e) => [e.epoch, e.step])).toEqual([[1, 40], [2, 80], [3, 120]]);
    for (const e of result.epochs) expect(Object.keys(e).sort()).toEqual(['epoch', 'seconds', 'step', 'train_loss', 'val_loss', 'val_ppl']);
    expect(result.epochs[2]!.val_loss).toBeLessThan(result.epochs[0]!.val_loss as number);
    // Everything it printed is still in the trial's log.
    expect(readFileSync(join(a.req.dir, 'output.log'), 'utf8')).toContain('| end of epoch 3 | valid loss');
  });

  it("transformers' printed dicts on stderr (hf_log): eval_loss read as val_loss, loss as train_loss", async () => {
    const result = await attempt({ learning_rate: 0.05, epochs: 2 }, { task: { command: plain('--style', 'hf', '--to-stderr'), metrics: { from: 'stderr', format: 'hf_log' } } }).done;
    expect(result.epochs.map((e) => [e.epoch, typeof e.train_loss, typeof e.val_loss, e.val_runtime])).toEqual([
      [1, 'number', 'number', 0.01],
      [2, 'number', 'number', 0.01],
    ]);
  });

  it("Katib's name=value pairs on stdout (key_value)", async () => {
    const result = await attempt({ learning_rate: 0.05, epochs: 2 }, { task: { command: plain('--style', 'kv'), metrics: { from: 'stdout', format: 'key_value' } } }).done;
    expect(result.epochs.map((e) => [e.epoch, e.step])).toEqual([[1, 40], [2, 80]]);
    expect(result.epochs[1]!.val_loss).toBeGreaterThan(0);
  });

  it('a group that is not a number fails the attempt in one line naming the output line', async () => {
    const a = attempt({ learning_rate: 0.05, epochs: 2 }, { task: { command: plain(), metrics: { from: 'stdout', regex: '\\| end of epoch (?<epoch>\\d+) \\| valid (?<val_loss>\\w+)' } } });
    const err = (await a.done.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^stdout line 3 \(.*output\.log\): group val_loss of \/task\/metrics\/regex\/0 matched "loss", which is not a number: "\| end of epoch 1 \| valid loss [\d.]+ \| valid ppl [\d.]+"/);
  });

  it('a program that prints nothing finesweep can read fails, saying where it looked', async () => {
    const err = (await attempt({ learning_rate: 0.05, epochs: 1 }, { task: { command: plain(), metrics: { from: 'stderr', format: 'hf_log' } } }).done.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/exited 0 without reporting an evaluation on stderr$/);
  });
});
