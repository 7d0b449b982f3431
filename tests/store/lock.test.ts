// Two controllers on one sweep directory, in real processes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepError } from '../../src/errors.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { acquireLock, readLock } from '../../src/store/lock.js';
import { childScript, compiledStore } from './helpers/compiled.js';
import { exited, waitForFile } from './helpers/wait.js';

function sweepDir(): string {
  return mkdtempSync(join(tmpdir(), 'finesweep-lock-'));
}

/** The pid of a process that has run and exited (so it is certainly dead now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('the sweep lock', () => {
  it('refuses a second controller in another process, naming its pid and host, and takes over once it is killed', async () => {
    const root = compiledStore();
    const dir = sweepDir();
    const marker = join(dir, 'holding');
    const script = childScript('hold-lock', `
      import { writeFileSync } from 'node:fs';
      import { JournalStore } from '${root}/src/store/journal-store.js';
      const [dir, marker] = process.argv.slice(2);
      const store = await JournalStore.open(dir, { create: true });
      await store.lock();
      writeFileSync(marker, 'x');
      setInterval(() => {}, 1000); // hold it until killed
    `);
    const child = spawn(process.execPath, [script, dir, marker], { stdio: 'ignore' });
    await waitForFile(marker, child);

    const store = await JournalStore.open(dir, { create: true });
    const err = await store.lock().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as SweepError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(
      new RegExp(`^sweep directory ${dir} is locked by pid ${child.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT`),
    );

    child.kill('SIGKILL');
    await exited(child);
    const lock = await store.lock(); // its pid is dead now: the stale lock is taken over
    expect(await readLock(join(dir, 'lock.json'))).toEqual(lock.info);
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
    await store.close();
  });

  it('takes over a stale lock left by a process that has exited', async () => {
    const dir = sweepDir();
    const pid = deadPid();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const lock = await acquireLock(dir);
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'))).toEqual({ pid: process.pid, host: hostname(), since: lock.info.since });
    expect(lock.tookOverFrom).toEqual({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' });
    await lock.release();
  });

  it('never takes over a lock held on another host (its pid cannot be checked from here)', async () => {
    const dir = sweepDir();
    const pid = deadPid();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: 'gpu-node-7', since: '2026-01-01T00:00:00.000Z' }));
    await expect(acquireLock(dir)).rejects.toThrow(`sweep directory ${dir} is locked by pid ${pid} on host gpu-node-7 since 2026-01-01T00:00:00.000Z`);
  });

  it('lets exactly one of several processes racing for a stale lock win', async () => {
    const root = compiledStore();
    const dir = sweepDir();
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const script = childScript('race-lock', `
      import { writeFileSync } from 'node:fs';
      import { acquireLock } from '${root}/src/store/lock.js';
      const [dir, out] = process.argv.slice(2);
      try { await acquireLock(dir); writeFileSync(out, 'won'); setInterval(() => {}, 1000); }
      catch (e) { writeFileSync(out, 'lost: ' + e.message); process.exit(0); }
    `);
    const children = Array.from({ length: 4 }, (_, i) =>
      spawn(process.execPath, [script, dir, join(dir, `result-${i}`)], { stdio: 'ignore' }));
    for (let i = 0; i < children.length; i++) await waitForFile(join(dir, `result-${i}`));
    const results = children.map((_, i) => readFileSync(join(dir, `result-${i}`), 'utf8'));
    const winners = children.filter((_, i) => results[i] === 'won');
    expect(winners.length).toBe(1);
    expect(results.filter((r) => r.startsWith('lost: ')).every((r) => r.includes(`locked by pid ${winners[0].pid}`))).toBe(true);
    expect((await readLock(join(dir, 'lock.json')))?.pid).toBe(winners[0].pid);
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
  });

  it('releases only a lock that is still its own', async () => {
    const dir = sweepDir();
    const lock = await acquireLock(dir);
    const other = { pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dir, 'lock.json'), JSON.stringify(other)); // someone else's now
    await lock.release();
    expect(await readLock(join(dir, 'lock.json'))).toEqual(other);
  });

  it('refuses a lock file it cannot read as a lock, saying what to do', async () => {
    const dir = sweepDir();
    writeFileSync(join(dir, 'lock.json'), 'hello');
    await expect(acquireLock(dir)).rejects.toThrow(/lock file .*lock\.json is not a finesweep lock.*remove it if no controller runs/);
  });
});
