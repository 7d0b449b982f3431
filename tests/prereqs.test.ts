// scripts/test-prereqs.sh, which `npm test` runs first: silent when the Debian packages the suite
// needs are there; where one is missing and cannot be installed, one line naming exactly what to
// install and a non-zero exit (never a silently skipped browser, server or Python test). Absence
// is simulated by pointing a probe at a path that does not exist.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../scripts/test-prereqs.sh');
const isRoot = process.getuid?.() === 0;

function prereqs(env: Record<string, string>, asNobody = false) {
  const cmd = asNobody ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT]] as const : ['bash', [SCRIPT]] as const;
  const r = spawnSync(cmd[0], [...cmd[1]], { env: { ...process.env, ...env }, encoding: 'utf8' });
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
