// The command task's filesystem checks (before a sweep directory exists): cwd and the program.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { commandTrainer } from '../../../src/trainers/command/trainer.js';
import { FIXTURES_DIR, tempDir } from './helpers.js';

const check = (task: Record<string, unknown>, specDir = FIXTURES_DIR): unknown => {
  try {
    commandTrainer.check!({ type: 'command', ...task }, { specDir, specPath: 'sweep.json' });
    return undefined;
  } catch (err) {
    return err;
  }
};

describe('command task checks', () => {
  it('accepts a program on PATH, an absolute one, and one relative to cwd', () => {
    expect(check({ command: ['node', 'x.py'] })).toBeUndefined();
    expect(check({ command: [process.execPath] })).toBeUndefined();
    const dir = tempDir();
    writeFileSync(join(dir, 'train.sh'), '#!/bin/sh\n');
    chmodSync(join(dir, 'train.sh'), 0o755);
    expect(check({ command: ['./train.sh'], cwd: dir })).toBeUndefined();
    // A program chosen by a parameter is checked only when a trial has its value.
    expect(check({ command: ['{interpreter}'] })).toBeUndefined();
  });

  it('refuses a missing cwd, an unknown program and one that is not executable, in one line naming the field', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.py'), 'print(1)\n');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ command: ['node'], cwd: 'no-such-dir' }, /^sweep\.json: \/task\/cwd: directory .*no-such-dir does not exist$/],
      [{ command: ['pythn3', 'train.py'] }, /^sweep\.json: \/task\/command\/0: program "pythn3" not found on PATH$/],
      [{ command: ['./train.py'], cwd: dir }, /^sweep\.json: \/task\/command\/0: program .*train\.py is not executable \(chmod \+x it, or name its interpreter first\)$/],
      [{ command: ['./missing.sh'], cwd: dir }, /^sweep\.json: \/task\/command\/0: program .*missing\.sh not found$/],
      [{ command: ['train.py'], env: { PATH: dir } }, /^sweep\.json: \/task\/command\/0: program "train\.py" is not executable/],
      [{ command: [''] }, /^sweep\.json: \/task\/command\/0: the program is an empty string$/],
    ];
    for (const [task, message] of cases) {
      const err = check(task);
      expect(err, JSON.stringify(task)).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('resolves cwd relative to the spec directory', () => {
    expect(check({ command: ['node'], cwd: '..' })).toBeUndefined();
    expect(check({ command: ['node'], cwd: 'trainers-nope' }, join(FIXTURES_DIR, '..'))).toBeInstanceOf(InputError);
  });
});
