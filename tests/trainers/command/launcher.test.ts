// The program launcher: what spawn({ detached: true }) gave, through a long-lived /bin/sh.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launch, launchable, type LaunchRequest } from '../../../src/trainers/command/launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'finesweep-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], extra: Partial<LaunchRequest> = {}) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const req: LaunchRequest = { argv, cwd: dir, env: { ...process.env }, onStdout: (c) => out.push(Buffer.from(c)), onStderr: (c) => err.push(Buffer.from(c)), ...extra };
  const l = launch(req);
  const pid = await l.pid;
  const exit = await l.exited;
  return { pid, exit, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

describe.skipIf(!launchable({ argv: ['/bin/sh'], cwd: dir, env: {} }))('launcher', () => {
  it('hands on every byte of both streams up to the exit, a last line without its newline too, and the exit code', async () => {
    const r = await run(['/bin/sh', '-c', 'i=0; while [ $i -lt 3000 ]; do echo "out line $i"; echo "err line $i" >&2; i=$((i+1)); done; printf tail; exit 3']);
    expect(r.exit).toEqual({ code: 3, signal: null });
    expect(r.out.split('\n')).toHaveLength(3001);
    expect(r.out.endsWith('out line 2999\ntail')).toBe(true);
    expect(r.err.split('\n').filter((l) => l !== '')).toHaveLength(3000);
    // The next program on the same launcher starts with nothing of this one's output.
    const next = await run(['/bin/echo', 'next']);
    expect(next.out).toBe('next\n');
  });

  it('reports a death by signal as the signal', async () => {
    const r = await run(['/bin/sh', '-c', 'kill -KILL $$']);
    expect(r.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('runs the program as its own process group, in its cwd, with exactly its environment', async () => {
    process.env.FINESWEEP_LAUNCHER_TEST_GONE = 'x';
    const env: NodeJS.ProcessEnv = { ...process.env, FINESWEEP_LAUNCHER_TEST_SET: "it's \"quoted\" $HOME" };
    delete env.FINESWEEP_LAUNCHER_TEST_GONE;
    const r = await run(['/bin/sh', '-c', 'cut -d" " -f5 /proc/$$/stat; pwd; echo "$FINESWEEP_LAUNCHER_TEST_SET"; echo "gone=${FINESWEEP_LAUNCHER_TEST_GONE-unset}"'], { env });
    delete process.env.FINESWEEP_LAUNCHER_TEST_GONE;
    expect(r.out.split('\n')).toEqual([String(r.pid), dir, `it's "quoted" $HOME`, 'gone=unset', '']);
  });

  it('takes a request far longer than a pipe buffer (the shell reads it as its script, in pieces), then the next one', async () => {
    // 40 variables of 2 KB each, with quotes and newlines-free shell syntax in them: one request line of about 90 KB.
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (let i = 0; i < 40; i++) env[`FINESWEEP_LAUNCHER_BIG_${i}`] = `${i}:${"it's; $(x) `y` \\ ".repeat(100)}`;
    const r = await run(['/bin/sh', '-c', 'printf "%s" "$FINESWEEP_LAUNCHER_BIG_39"'], { env });
    expect(r.exit).toEqual({ code: 0, signal: null });
    expect(r.out).toBe(env.FINESWEEP_LAUNCHER_BIG_39);
    const next = await run(['/bin/echo', 'after']);
    expect(next.out).toBe('after\n');
  });

  it('throws as spawn() does for a program that is missing or not executable', () => {
    const plain = join(dir, 'plain.sh');
    writeFileSync(plain, 'echo hi\n');
    chmodSync(plain, 0o644);
    const req = (argv0: string): LaunchRequest => ({ argv: [argv0], cwd: dir, env: { ...process.env }, onStdout: () => undefined, onStderr: () => undefined });
    expect(() => launch(req('no-such-program-here'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => launch(req(plain))).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });
});
