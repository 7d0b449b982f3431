// scripts/test-prereqs.sh, which `npm test` runs first: silent when the Debian packages the suite
// needs are there; where one is missing and cannot be installed, one line naming exactly what to
// install and a non-zero exit (never a silently skipped browser, server or Python test). Absence
// is simulated by pointing a probe at a path that does not exist.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../scripts/test-prereqs.sh');
const isRoot = process.getuid?.() === 0;

/**
 * The script where `nobody` can read it, and a working directory it may enter: the checkout may be
 * in a directory other users cannot read (a `mktemp -d` folder, a 0700 home), so the script is
 * copied into a fresh world-readable directory of the temporary directory.
 */
function readableByAnyone(): { script: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-prereqs-'));
  chmodSync(dir, 0o755);
  const script = join(dir, 'test-prereqs.sh');
  copyFileSync(SCRIPT, script);
  chmodSync(script, 0o644);
  return { script, dir };
}

function prereqs(env: Record<string, string>, asNobody = false) {
  const copy = asNobody ? readableByAnyone() : undefined;
  const cmd = copy ? (['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', copy.script]] as const) : (['bash', [SCRIPT]] as const);
  const r = spawnSync(cmd[0], [...cmd[1]], { env: { ...process.env, ...env }, encoding: 'utf8', ...(copy ? { cwd: copy.dir } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the test prerequisites', () => {
  it('are all present here (npm test ran the script before this test), and the check prints nothing', () => {
    const r = prereqs({ FINESWEEP_NO_INSTALL: '1' });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('name a missing browser in one line with the command that installs it', () => {
    const r = prereqs({ FINESWEEP_NO_INSTALL: '1', PREREQ_CHROMIUM: '/nonexistent/chromium' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('install them with: sudo apt-get install -y chromium\n');
  });

  it('name every missing package: the PostgreSQL server and the Python packages of /usr/bin/python3', () => {
    const r = prereqs({ FINESWEEP_NO_INSTALL: '1', PREREQ_PG_BIN: '/nonexistent', PREREQ_PYTHON: '/nonexistent/python3' });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/apt-get install -y postgresql python3-torch python3-optuna$/m);
  });

  it.skipIf(!isRoot)('fail in one line for a user who is neither root nor a passwordless sudoer', () => {
    const r = prereqs({ PREREQ_CHROMIUM: '/nonexistent/chromium', PATH: '/usr/bin:/bin' }, true);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^npm test needs the Debian packages: chromium \(not root and no passwordless sudo\); install them with: sudo apt-get install -y chromium$/m);
  });
});
