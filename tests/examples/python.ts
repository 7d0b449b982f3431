// Runs Debian's /usr/bin/python3 for the PyTorch example's tests. Where it or its torch is missing
// the test FAILS with one line saying what to install: a skipped test would hide a broken example.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's interpreter: python3-torch installs torch for it (a pyenv `python3` on PATH lacks it). */
export const PYTHON = '/usr/bin/python3';
export const INSTALL = 'PyTorch is missing: install Debian\'s python3-torch (apt-get install python3-torch) for /usr/bin/python3';

/** Throws one line naming what to install unless /usr/bin/python3 can import torch. */
export function requireTorch(): void {
  if (!existsSync(PYTHON)) throw new Error(INSTALL);
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(INSTALL);
}

/** Runs `python3 args` with `input` on stdin; the result as spawnSync gives it. */
export function python(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
}
