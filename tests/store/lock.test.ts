// The sweep directory's lock is a lease: two controllers on one directory, in real processes, and
// every way a holder can be dead or alive (issue 12 §5).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepError } from '../../src/errors.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { acquireLock, readLock } from '../../src/store/lock.js';
import { childScript, compiledStore } from './helpers/compiled.js';
import { exited, waitFor, waitForFile } from './helpers/wait.js';

function sweepDir(): string {
  return mkdtempSync(join(tmpdir(), 'finesweep-lock-'));
}

/** The pid of a process that has run and exited (so it is certainly dead now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();

function writeLock(dir: string, lock: Record<string, unknown>): void {
  writeFileSync(join(dir, 'lock.json'), JSON.stringify(lock));
}

/** A child that takes the lock (heartbeat every `beat` ms), writes `marker`, and reports a lost lease. */
function holderScript(): string {
  const root = compiledStore();
  return childScript('hold-lock', `
    import { writeFileSync } from 'node:fs';
    import { JournalStore } from '${root}/src/store/journal-store.js';
    const [dir, marker, beat, expiry] = process.argv.slice(2);
    const store = await JournalStore.open(dir, { create: true });
    const lock = await store.lock({ heartbeatMs: Number(beat), expiryMs: Number(expiry) });
    lock.lost.addEventListener('abort', () => writeFileSync(marker + '.lost', String(lock.lost.reason.message)));
    writeFileSync(marker, String(process.pid));
    setInterval(() => {}, 1000); // hold it until killed
  `);
}

describe('the sweep lock (a lease)', () => {
  it('refuses a second controller in another process, naming its pid, host and heartbeat age, and takes over once it is killed', async () => {
    const dir = sweepDir();
    const marker = join(dir, 'holding');
    const child = spawn(process.execPath, [holderScript(), dir, marker, '10000', '60000'], { stdio: 'ignore' });
    await waitForFile(marker, child);

    const store = await JournalStore.open(dir, { create: true });
    const err = await store.lock().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as SweepError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(
      new RegExp(`^sweep directory ${dir} is locked by pid ${child.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT\\S+ \\(last heartbeat \\d+\\.\\d s ago, stale after 60 s; its heartbeat is fresh, so it may be alive; if it has just died, wait for its lease to expire with: finesweep resume --wait ${dir}\\)$`),
    );

    child.kill('SIGKILL');
    await exited(child);
    const lock = await store.lock(); // its pid is dead now: the stale lock is taken over
    expect(await readLock(join(dir, 'lock.json'))).toEqual(lock.info);
    expect(lock.info.pid).toBe(process.pid);
    expect(lock.tookOverFrom?.pid).toBe(child.pid);
    await lock.release();
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
    await store.close();
  });

  it('takes over at once after a kill -9 whose pid still answers (a zombie not yet reaped), heartbeat fresh or not', async () => {
    const dir = sweepDir();
    const marker = join(dir, 'holding');
    // The holder's parent is `sleep`, which never reaps it: after kill -9 it stays a zombie.
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${holderScript()}" "${dir}" "${marker}" 10000 60000 & exec sleep 600`], { stdio: 'ignore' });
    try {
      await waitForFile(marker, sh);
      const pid = Number(readFileSync(marker, 'utf8'));
      process.kill(pid, 'SIGKILL');
      await waitFor(() => /\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), `pid ${pid} to become a zombie`);
      expect(() => process.kill(pid, 0)).not.toThrow(); // it still answers
      const lock = await acquireLock(dir);
      expect(lock.tookOverFrom?.pid).toBe(pid);
      await lock.release();
    } finally {
      sh.kill('SIGKILL');
      await exited(sh);
    }
  });

  it('takes over a lock whose pid is alive but is not a finesweep controller (a pid reused after a container restart) once its heartbeat is expired', async () => {
    const dir = sweepDir();
    writeLock(dir, { pid: 1, host: hostname(), since: '2026-01-01T00:00:00.000Z' }); // an older finesweep's lock: no heartbeat
    const lock = await acquireLock(dir);
    expect(lock.tookOverFrom).toEqual({ pid: 1, host: hostname(), since: '2026-01-01T00:00:00.000Z' });
    const file = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
    expect(file).toMatchObject({ pid: process.pid, host: hostname(), since: lock.info.since, heartbeat: lock.info.heartbeat, heartbeat_ms: 10000, expiry_ms: 60000 });
    expect(file.token).toMatch(/^[0-9a-f]{16}$/);
    await lock.release();
  });

  it('takes over a lock written on another host (a pod rescheduled, a shared disk) once its heartbeat is expired', async () => {
    const dir = sweepDir();
    writeLock(dir, { pid: 4242, host: 'old-pod-7f9c', since: ago(3_600_000), heartbeat: ago(61_000), token: 'aaaa' });
    const lock = await acquireLock(dir);
    expect(lock.tookOverFrom).toMatchObject({ pid: 4242, host: 'old-pod-7f9c' });
    await lock.release();
  });

  it('refuses a lock on another host whose heartbeat is not expired, saying its age and how to take it over', async () => {
    const dir = sweepDir();
    writeLock(dir, { pid: 4242, host: 'gpu-node-7', since: '2026-01-01T00:00:00.000Z', heartbeat: ago(30_000), token: 'bbbb' });
    const err = await acquireLock(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as Error).message).toMatch(new RegExp(
      `^sweep directory ${dir} is locked by pid 4242 on host gpu-node-7 since 2026-01-01T00:00:00.000Z ` +
        `\\(last heartbeat 3\\d\\.\\d s ago, stale after 60 s; if it is dead, take it over with: finesweep resume --take-over ${dir}, ` +
        `or wait for its lease to expire with: finesweep resume --wait ${dir}\\)$`,
    ));
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).token).toBe('bbbb'); // untouched
  });

  it('judges a lock by the expiry its holder wrote, not the reader’s', async () => {
    const dir = sweepDir();
    writeLock(dir, { pid: 4242, host: 'gpu-node-7', since: ago(200_000), heartbeat: ago(90_000), token: 'cccc', heartbeat_ms: 30_000, expiry_ms: 180_000 });
    await expect(acquireLock(dir)).rejects.toThrow(/stale after 180 s/);
    const taken = await acquireLock(dir, { takeOver: true }); // 90 s > two of its 30 s beats
    expect(taken.tookOverFrom?.token).toBe('cccc');
    await taken.release();
  });

  it('takes over with takeOver (resume --take-over) a holder known dead before its expiry, but refuses while its heartbeat is fresh', async () => {
    const dir = sweepDir();
    writeLock(dir, { pid: 4242, host: 'gpu-node-7', since: ago(100_000), heartbeat: ago(5_000), token: 'dddd' });
    const fresh = await acquireLock(dir, { takeOver: true }).catch((e: unknown) => e);
    expect((fresh as Error).message).toMatch(/last heartbeat \d\.\d s ago, stale after 60 s; its heartbeat is fresh, so it may be alive; if it has just died, wait for its lease to expire with: finesweep resume --wait \S+\)$/);
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).token).toBe('dddd');

    writeLock(dir, { pid: 4242, host: 'gpu-node-7', since: ago(100_000), heartbeat: ago(25_000), token: 'eeee' });
    await expect(acquireLock(dir)).rejects.toThrow(/if it is dead, take it over/);
    const lock = await acquireLock(dir, { takeOver: true });
    expect(lock.tookOverFrom?.token).toBe('eeee');
    await lock.release();
  });

  it('renews its heartbeat while the holder lives', async () => {
    const dir = sweepDir();
    const lock = await acquireLock(dir, { heartbeatMs: 20, expiryMs: 1000 });
    const first = lock.info.heartbeat;
    await waitFor(() => JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).heartbeat !== first, 'a renewed heartbeat');
    const file = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
    expect(Date.parse(file.heartbeat)).toBeGreaterThan(Date.parse(first!));
    expect(file.token).toBe(lock.info.token);
    expect(file.since).toBe(lock.info.since);
    await lock.release();
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
  });

  it('takes over a holder frozen (SIGSTOP) past its expiry; continued, the old holder learns it lost the lease and leaves the new one alone', async () => {
    const dir = sweepDir();
    const marker = join(dir, 'holding');
    const child = spawn(process.execPath, [holderScript(), dir, marker, '50', '400'], { stdio: 'ignore' });
    try {
      await waitForFile(marker, child);
      child.kill('SIGSTOP');
      // Refused while the frozen holder's last heartbeat is younger than its expiry, then taken.
      let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
      await waitFor(async () => (lock = await acquireLock(dir).catch(() => undefined)) !== undefined, 'the frozen lease to expire');
      expect(lock!.tookOverFrom?.pid).toBe(child.pid);
      child.kill('SIGCONT');
      await waitForFile(marker + '.lost', child);
      expect(readFileSync(marker + '.lost', 'utf8')).toMatch(/^lost the lock of sweep directory .*: another controller took it over$/);
      expect((await readLock(join(dir, 'lock.json')))?.token).toBe(lock!.info.token);
      await lock!.release();
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('takes over a stale lock left by a process that has exited', async () => {
    const dir = sweepDir();
    const pid = deadPid();
    writeLock(dir, { pid, host: hostname(), since: ago(1000), heartbeat: ago(1000) });
    const lock = await acquireLock(dir);
    expect(lock.tookOverFrom).toMatchObject({ pid, host: hostname() });
    await lock.release();
  });

  it('lets exactly one of several processes racing for a stale lock win, and never leaves the directory without a lock meanwhile', async () => {
    const root = compiledStore();
    const dir = sweepDir();
    writeLock(dir, { pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z' });
    // A moment without lock.json is where a third process could create one while a taker moves the
    // winner's aside: two holders. A watcher looks for such a moment as fast as it can.
    const watcher = spawn(process.execPath, ['-e', `
      const { existsSync, writeFileSync } = require('node:fs');
      let gaps = 0, looks = 0;
      writeFileSync(process.argv[1] + '/watching', '');
      const until = Date.now() + 3000;
      while (Date.now() < until && !existsSync(process.argv[1] + '/stop')) { looks++; if (!existsSync(process.argv[1] + '/lock.json')) gaps++; }
      writeFileSync(process.argv[1] + '/watched', JSON.stringify({ gaps, looks }));
    `, dir], { stdio: 'ignore' });
    await waitForFile(join(dir, 'watching'));
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
    writeFileSync(join(dir, 'stop'), '');
    await waitForFile(join(dir, 'watched'));
    const watched = JSON.parse(readFileSync(join(dir, 'watched'), 'utf8')) as { gaps: number; looks: number };
    expect(watched.looks).toBeGreaterThan(100);
    expect(watched.gaps).toBe(0);
    for (const c of [...children, watcher]) c.kill('SIGKILL');
    await Promise.all([...children, watcher].map(exited));
  });

  it('releases only a lock that is still its own, and says so through `lost` at its next heartbeat', async () => {
    const dir = sweepDir();
    const lock = await acquireLock(dir, { heartbeatMs: 20 });
    const other = { pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z', heartbeat: new Date().toISOString(), token: 'ffff' };
    writeLock(dir, other); // someone else's now
    await waitFor(() => lock.lost.aborted, 'the lost lease to be noticed');
    await lock.release();
    expect(await readLock(join(dir, 'lock.json'))).toEqual(other);
  });

  it('neither renews nor releases its lock while a taker holds lock.json.takeover, so a takeover is never overwritten or removed', async () => {
    const dir = sweepDir();
    const lock = await acquireLock(dir, { heartbeatMs: 20, expiryMs: 1000 });
    const path = join(dir, 'lock.json');
    await waitFor(() => JSON.parse(readFileSync(path, 'utf8')).heartbeat !== lock.info.since, 'a first renewed heartbeat');
    // A live taker (this process) in the middle of a takeover: it has judged the lock and holds the file.
    const takeover = join(dir, 'lock.json.takeover');
    writeFileSync(takeover, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    const frozen = readFileSync(path, 'utf8');
    await new Promise((r) => setTimeout(r, 200)); // ten heartbeats
    expect(readFileSync(path, 'utf8')).toBe(frozen);
    let released = false;
    const releasing = lock.release().then(() => (released = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(released).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(frozen);
    // The taker renames its lock over the old one and lets go of the takeover file.
    const taker = { pid: process.pid, host: hostname(), since: new Date().toISOString(), heartbeat: new Date().toISOString(), token: 'aaaa' };
    writeLock(dir, taker);
    unlinkSync(takeover);
    await releasing;
    expect(await readLock(path)).toEqual(taker);
  });

  it('refuses a lock file it cannot read as a lock, saying what to do; takeOver replaces it', async () => {
    const dir = sweepDir();
    writeFileSync(join(dir, 'lock.json'), 'hello');
    await expect(acquireLock(dir)).rejects.toThrow(/lock file .*lock\.json is not a finesweep lock.*remove it, or use finesweep resume --take-over, if no controller runs/);
    const lock = await acquireLock(dir, { takeOver: true });
    expect(lock.tookOverFrom).toBeUndefined();
    await lock.release();
  });
});

describe('resume --wait: the lease of a holder that looks alive', () => {
  it('waits until the lease expires, saying how long, then takes it over', async () => {
    const dir = sweepDir();
    // A controller on another host that beat 0.1 s ago and promised a 2 s expiry (its heartbeat is fresh).
    writeLock(dir, { pid: 4242, host: 'gpu-node-7', since: ago(10_000), heartbeat: ago(100), token: 'wwww', heartbeat_ms: 1_000, expiry_ms: 2_000 });
    const waits: number[] = [];
    const started = Date.now();
    const lock = await acquireLock(dir, { wait: { onWait: (ms, holder) => (expect(holder.token).toBe('wwww'), waits.push(ms)) } });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1_500);
    expect(waits[0]).toBeLessThanOrEqual(2_250);
    expect(Date.now() - started).toBeGreaterThanOrEqual(waits[0]! - 5);
    expect(lock.tookOverFrom?.token).toBe('wwww');
    await lock.release();
  });

  it('refuses a holder that renewed its lease while it waited (it is alive), leaving its lock', async () => {
    const dir = sweepDir();
    const beat = (): void => writeLock(dir, { pid: 4242, host: 'gpu-node-7', since: ago(10_000), heartbeat: ago(0), token: 'aaaa', heartbeat_ms: 500, expiry_ms: 1_500 });
    beat();
    // The holder beats on while the waiter waits: the lock file is rewritten, as a live holder's is.
    const timer = setInterval(beat, 300);
    try {
      const err = await acquireLock(dir, { wait: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SweepError);
      expect((err as Error).message).toMatch(/it renewed its lease while we waited, so it is alive$/);
    } finally {
      clearInterval(timer);
    }
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).token).toBe('aaaa');
  });
});
