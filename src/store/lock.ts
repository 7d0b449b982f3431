// One controller at a time per sweep directory: `lock.json` is a lease. It holds the owner (pid,
// host, a random token) and a heartbeat the owner renews while it lives (every 10 s by default).
// A pid says nothing across hosts, after a container restart (pids are reused) or in the instant
// after kill -9, so a lease is stale when its heartbeat is older than its expiry (60 s by default),
// whatever its pid or host; on this host, a pid that no longer exists is stale at once.
// `takeOver` (resume --take-over) replaces a lease whose holder the user knows is dead without
// waiting for the expiry, but never one whose heartbeat is fresh (younger than two heartbeats).
// The file is created atomically — written complete under a temp name, then hard-linked into
// place, which fails if a lock already exists — so a reader never sees a half-written lock.
// A stale lock is replaced, never removed: its taker holds `lock.json.takeover` (created the same
// exclusive way) for the few milliseconds of checking that the lock is still the one it judged
// stale and renaming its own over it. Removing it first left a moment with no lock at all, in which
// a third process could create one while a second taker moved the first taker's new lock aside:
// two controllers, each holding "the" lock (seen once in CI, four processes racing). The holder
// renews and releases under the same file: its check "still mine?" and its write (or unlink) are
// then never split by a takeover, which it would otherwise overwrite (or remove).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, SweepError } from '../errors.js';
import { errnoOf, storeError } from './fs-errors.js';
import { atomicWrite, fsyncDir } from './fs-util.js';
import { sleep } from './sleep.js';
import { judgeLease, lockedMessage, pidIsDead, type Verdict } from './lease.js';
import { DEFAULT_EXPIRY_MS, DEFAULT_HEARTBEAT_MS, type LeaseOptions, type LockInfo, type StoreLock } from './store.js';

export const LOCK_FILE = 'lock.json';

/** A held lock; release() leaves alone a lock that is no longer ours. */
export type SweepLock = StoreLock;

/** What lock.json holds: the holder, and the timing it promised (so a reader judges it by its own). */
interface LockFile extends LockInfo {
  heartbeat_ms?: number;
  expiry_ms?: number;
}

/** Take the lease of a sweep directory, or throw a SweepError naming the live holder. */
export async function acquireLock(dir: string, opts: LeaseOptions = {}): Promise<SweepLock> {
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const expiryMs = opts.expiryMs ?? DEFAULT_EXPIRY_MS;
  const path = join(dir, LOCK_FILE);
  const now = new Date().toISOString();
  const info: LockInfo = { pid: process.pid, host: hostname(), since: now, heartbeat: now, token: randomBytes(8).toString('hex') };
  const body = lockBody(info, heartbeatMs, expiryMs);
  // Bounded: each round either wins, meets a live holder (throws), or finds the lock changed under
  // it; waiting for another taker's few milliseconds does not count, up to TAKEOVER_WAIT_MS.
  let waited = false;
  const takersUntil = Date.now() + TAKEOVER_WAIT_MS;
  for (let round = 0; round < 10; round++) {
    if (await createExclusive(dir, path, body)) return heldLock(dir, path, info, undefined, heartbeatMs, expiryMs);
    let holder: LockFile | undefined;
    try {
      holder = await readLockFile(path);
    } catch (err) {
      // Not a finesweep lock: only a user who knows no controller runs may replace it.
      if (!opts.takeOver) throw err;
      const taken = await replaceStale(dir, path, undefined, body);
      if (taken === 'won') return heldLock(dir, path, info, undefined, heartbeatMs, expiryMs);
      if (taken === 'busy' && Date.now() < takersUntil) round--;
      continue;
    }
    if (holder === undefined) continue; // released between our attempt and our read: try again
    const timing = { expiryMs: holder.expiry_ms ?? expiryMs, heartbeatMs: holder.heartbeat_ms ?? heartbeatMs };
    const verdict = judgeLease(holder, heartbeatAge(holder), timing, opts.takeOver === true);
    if (verdict !== 'stale') {
      // resume --wait: once, until the lease would expire; a holder still live after it is alive.
      if (!opts.wait || waited || opts.wait.signal?.aborted) throw lockedError(dir, holder, verdict, expiryMs, waited);
      const ms = Math.max(0, timing.expiryMs - heartbeatAge(holder)) + WAIT_MARGIN_MS;
      opts.wait.onWait?.(ms, publicInfo(holder));
      waited = true;
      await sleep(ms, opts.wait.signal);
      if (opts.wait.signal?.aborted) throw new InterruptedError(`interrupted while waiting for the lock of sweep directory ${dir}`, 'SIGINT');
      continue;
    }
    const taken = await replaceStale(dir, path, holder, body);
    if (taken === 'won') return heldLock(dir, path, info, publicInfo(holder), heartbeatMs, expiryMs);
    if (taken === 'busy' && Date.now() < takersUntil) round--;
  }
  throw new SweepError(`could not take the lock of sweep directory ${dir}: it keeps changing hands`);
}

/** Who holds the lock, or undefined if nobody does. Never takes it. */
export async function readLock(path: string): Promise<LockInfo | undefined> {
  const file = await readLockFile(path);
  return file ? publicInfo(file) : undefined;
}

/** Milliseconds since the holder's last heartbeat (a legacy lock: since it was taken). */
function heartbeatAge(holder: LockInfo, now = Date.now()): number {
  return Math.max(0, now - Date.parse(holder.heartbeat ?? holder.since));
}

function lockedError(dir: string, holder: LockFile, verdict: Verdict, expiryMs: number, waited = false): SweepError {
  const expiry = holder.expiry_ms ?? expiryMs;
  const message = lockedMessage(`sweep directory ${dir}`, holder, heartbeatAge(holder), expiry, verdict, `finesweep resume --take-over ${dir}`, waited ? undefined : `finesweep resume --wait ${dir}`);
  return new SweepError(waited ? `${message}; it renewed its lease while we waited, so it is alive` : message);
}

/** Past the computed expiry, so that the holder's lease is stale by then even with a little clock skew. */
const WAIT_MARGIN_MS = 250;

async function readLockFile(path: string): Promise<LockFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw storeError('read lock', path, err);
  }
  try {
    const v = JSON.parse(text) as Partial<LockFile>;
    const timeOk = (t: unknown): boolean => t === undefined || (typeof t === 'string' && !Number.isNaN(Date.parse(t)));
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.since === 'string' && timeOk(v.since) && timeOk(v.heartbeat)) {
      return v as LockFile;
    }
  } catch {
    // fall through: a lock file we did not write
  }
  throw new SweepError(
    `lock file ${path} is not a finesweep lock (expected {pid, host, since, heartbeat}); ` +
      `remove it, or use finesweep resume --take-over, if no controller runs`,
  );
}

function publicInfo(file: LockFile): LockInfo {
  return {
    pid: file.pid,
    host: file.host,
    since: file.since,
    ...(file.heartbeat !== undefined ? { heartbeat: file.heartbeat } : {}),
    ...(file.token !== undefined ? { token: file.token } : {}),
  };
}

function lockBody(info: LockInfo, heartbeatMs: number, expiryMs: number): string {
  const file: LockFile = { ...info, heartbeat_ms: heartbeatMs, expiry_ms: expiryMs };
  return JSON.stringify(file) + '\n';
}

async function createExclusive(dir: string, path: string, body: string): Promise<boolean> {
  const tmp = join(dir, `.${LOCK_FILE}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tmp, path);
    } catch (err) {
      if (errnoOf(err) === 'EEXIST') return false;
      throw err;
    }
    await fsyncDir(dir);
    return true;
  } catch (err) {
    throw storeError('create lock', path, err);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

const TAKEOVER_FILE = `${LOCK_FILE}.takeover`;
/** How long a taker waits on others' takeovers (each a few milliseconds) before giving up. */
const TAKEOVER_WAIT_MS = 10_000;
/** A takeover file this old was left by a taker that died in its few milliseconds. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Replace the lock judged stale (`stale`; undefined: a file that is not a finesweep lock) with ours
 * (`body`), if it is still that lock: 'won'; 'changed' when it is not (released, or taken by
 * another); 'busy' when another taker holds the takeover file (it is waited for, briefly).
 */
async function replaceStale(dir: string, path: string, stale: LockFile | undefined, body: string): Promise<'won' | 'changed' | 'busy'> {
  return underTakeover(dir, async () => {
    let now: LockFile | undefined | 'unreadable';
    try {
      now = await readLockFile(path);
    } catch {
      now = 'unreadable';
    }
    const same = stale === undefined ? now === 'unreadable' : now !== undefined && now !== 'unreadable' && sameHolder(now, stale);
    if (!same) return 'changed';
    // rename() replaces it whole: there is never a moment without a lock.
    await atomicWrite(path, body, { durable: true });
    return 'won';
  });
}

/**
 * Run `fn` holding `lock.json.takeover`, or answer 'busy' when another process holds it (after
 * clearing it if its holder died, and a short pause, so that the caller can simply try again).
 */
async function underTakeover<T>(dir: string, fn: () => Promise<T>): Promise<T | 'busy'> {
  const takeover = join(dir, TAKEOVER_FILE);
  if (!(await createExclusive(dir, takeover, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n'))) {
    await clearDeadTaker(takeover);
    await sleep(5 + Math.random() * 20);
    return 'busy';
  }
  try {
    return await fn();
  } finally {
    await unlink(takeover).catch(() => {});
  }
}

/** Remove a takeover file whose taker died (its pid gone on this host, or older than any takeover). */
async function clearDeadTaker(takeover: string): Promise<void> {
  let taker: { pid?: unknown; host?: unknown; since?: unknown };
  try {
    taker = JSON.parse(await readFile(takeover, 'utf8')) as typeof taker;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    taker = {};
  }
  const since = typeof taker.since === 'string' ? Date.parse(taker.since) : Number.NaN;
  const deadHere = taker.host === hostname() && typeof taker.pid === 'number' && pidIsDead(taker.pid);
  if (deadHere || !(Date.now() - since < TAKEOVER_STALE_MS)) await unlink(takeover).catch(() => {});
}

function sameHolder(a: LockInfo, b: LockInfo): boolean {
  if (a.token !== undefined || b.token !== undefined) return a.token === b.token;
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

function heldLock(dir: string, path: string, info: LockInfo, tookOverFrom: LockInfo | undefined, heartbeatMs: number, expiryMs: number): SweepLock {
  const lost = new AbortController();
  let released = false;
  let beating: Promise<void> = Promise.resolve();
  const beat = async (): Promise<void> => {
    // A taker busy with the lock now: skip this beat; the next one sees whether it took it.
    const outcome = await underTakeover(dir, async () => {
      const holder = await readLockFile(path).catch(() => undefined);
      if (released) return 'released';
      if (!holder || !sameHolder(holder, info)) return 'lost';
      info.heartbeat = new Date().toISOString();
      // Not durable: a heartbeat lost in a power cut only makes the lease look older, never younger.
      await atomicWrite(path, lockBody(info, heartbeatMs, expiryMs), { durable: false }).catch(() => {});
      return 'renewed';
    }).catch(async () => {
      // The takeover file could not be made (the directory gone, a full disk): still tell a lost lock.
      const holder = await readLockFile(path).catch(() => undefined);
      return holder && sameHolder(holder, info) ? 'busy' : 'lost';
    });
    if (outcome === 'lost' && !released) {
      // Someone took it over (we were frozen past the expiry): stop renewing, tell the owner.
      clearInterval(timer);
      lost.abort(new SweepError(`lost the lock of sweep directory ${dir}: another controller took it over`));
    }
  };
  const timer = setInterval(() => {
    beating = beating.then(beat, beat);
  }, heartbeatMs);
  timer.unref();
  return {
    info,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await beating.catch(() => {});
      // Bounded like a takeover; past it the lock is left to go stale rather than removed unchecked.
      const removeIfOurs = async (): Promise<true> => {
        const holder = await readLockFile(path).catch(() => undefined);
        if (holder && sameHolder(holder, info)) await unlink(path).catch(() => {});
        return true;
      };
      for (const until = Date.now() + TAKEOVER_WAIT_MS; Date.now() < until; ) {
        // A takeover file that cannot be made (a full disk): the check and unlink as they were.
        if ((await underTakeover(dir, removeIfOurs).catch(removeIfOurs)) === true) return;
      }
    },
  };
}
