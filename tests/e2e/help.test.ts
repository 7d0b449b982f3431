// `--help` of every command, as a user asks for it: exit 0, the command's usage, and at least one
// example to copy.
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const COMMANDS = ['validate', 'plan', 'run', 'resume', 'report', 'train', 'pretrain', 'data', 'export-optuna', 'dashboard', 'suggest', 'export', 'predict', 'worker'];

describe('finesweep <command> --help', () => {
  it.each(COMMANDS)('%s --help exits 0 and shows an example', async (command) => {
    const r = await run([command, '--help'], process.cwd());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: finesweep ${command} `));
    expect(r.stdout).toMatch(/\nExamples:\n/);
    expect(r.stdout).toMatch(new RegExp(`\\n {2}\\$ finesweep ${command}( |\\n)`));
  });

  it('the top-level --help lists every command', async () => {
    const r = await run(['--help'], process.cwd());
    expect(r.code).toBe(0);
    for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`\\n {2}${command} `));
  });
});
