// The example program of docs/command-trainer.md (section "The protocol") run through the command trainer: it
// reports every epoch, and on resume continues from its checkpoint rather than starting again.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandTrainer } from '../../../src/trainers/command/trainer.js';
import { request, tempDir } from './helpers.js';

const page = readFileSync(new URL('../../../docs/command-trainer.md', import.meta.url), 'utf8');
const program = /## The protocol[\s\S]*?```python\n([\s\S]*?)```/.exec(page)?.[1];
const hasPython = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'pass']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPython)("the command trainer's example program (docs/command-trainer.md)", () => {
  it('is about 15 lines, completes, and resumes from its own checkpoint', async () => {
    expect(program).toBeDefined();
    expect(program!.trim().split('\n').length).toBeLessThanOrEqual(16);
    const dir = tempDir();
    writeFileSync(join(dir, 'train.py'), program!);
    const task = { type: 'command', command: ['python3', 'train.py'] };
    const run = (resumeEpoch: number) => {
      const req = request({ learning_rate: 0.001, epochs: 3 }, { dir: join(dir, 'trial'), resumeEpoch });
      return commandTrainer.run(commandTrainer.configure(task, req, { specDir: dir }), { signal: new AbortController().signal, onEvent: () => undefined });
    };
    const first = await run(0);
    expect(first.outcome).toBe('completed');
    expect(first.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // As if the journal had recorded only two epochs: the program continues from epoch-2.json (made
    // recognisable here), not from scratch.
    writeFileSync(join(dir, 'trial', 'checkpoint', 'epoch-2.json'), JSON.stringify({ loss: 0.5, epoch: 2 }));
    const resumed = await run(2);
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([3]);
    expect(resumed.epochs[0]!.train_loss).toBeCloseTo(0.5 * 0.9, 12);
  });
});
