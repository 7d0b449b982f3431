// One controller at a time per sweep directory: `lock.json` holds the owner (pid, host, since).
// It is created atomically — written complete under a temp name, then hard-linked into place,
// which fails if a lock already exists — so a reader never sees a half-written lock. A lock
// whose pid is dead on this host is stale (the controller was killed) and is taken over.
import { hostname } from 'node:os';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SweepError } from '../errors.js';
import { errnoOf, storeError } from './fs-errors.js';
import { fsyncDir } from './fs-util.js';
import type { LockInfo, StoreLock } from './store.js';

export const LOCK_FILE = 'lock.json';

/** A held lock; release() leaves alone a lock that is no longer ours. */
export type SweepLock = StoreLock;

/** Take the lock of a sweep directory, or throw a SweepError naming the live holder. */
export async function acquireLock(dir: string): Promise<SweepLock> {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const body = JSON.stringify(info) + '\n';
  // Bounded: each round either wins, meets a live holder (throws), or removes one stale lock.
  let stale: LockInfo | undefined;
  for (let round = 0; round < 10; round++) {
    if (await createExclusive(dir, path, body)) return ownedLock(path, info, stale);
    const holder = await readLock(path);
    if (holder === undefined) continue; // released between our attempt and our read: try again
    if (!isStale(holder)) {
      throw new SweepError(
        `sweep directory ${dir} is locked by pid ${holder.pid} on host ${holder.host} since ${holder.since}`,
      );
    }
    await removeStale(dir, path, holder);
    stale = holder;
  }
  throw new SweepError(`could not take the lock of sweep directory ${dir}: it keeps changing hands`);
}

/** Who holds the lock, or undefined if nobody does. Never takes it. */
export async function readLock(path: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw storeError('read lock', path, err);
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.since === 'string') {
      return { pid: v.pid, host: v.host, since: v.since };
    }
  } catch {
    // fall through: a lock file we did not write
  }
  throw new SweepError(`lock file ${path} is not a finesweep lock (expected {pid, host, since}); remove it if no controller runs`);
}

function isStale(holder: LockInfo): boolean {
  if (holder.host !== hostname()) return false; // cannot see processes on another host
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    // EPERM: alive but someone else's process.
    return errnoOf(err) === 'ESRCH';
  }
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

/**
 * Remove a stale lock without removing a live one that replaced it meanwhile: move it aside by
 * rename (atomic, only one taker wins), check that what was moved is the stale lock we judged,
 * and put it back if it is not.
 */
async function removeStale(dir: string, path: string, stale: LockInfo): Promise<void> {
  const aside = join(dir, `.${LOCK_FILE}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`);
  try {
    await rename(path, aside);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return; // another taker moved it first
    throw storeError('take over stale lock', path, err);
  }
  let moved: LockInfo | undefined;
  try {
    moved = await readLock(aside);
  } catch {
    moved = undefined;
  }
  if (moved && !sameLock(moved, stale)) {
    // We moved a lock that another taker had just created: give it back.
    await link(aside, path).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

function sameLock(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

function ownedLock(path: string, info: LockInfo, tookOverFrom: LockInfo | undefined): SweepLock {
  let released = false;
  return {
    info,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    async release() {
      if (released) return;
      released = true;
      const holder = await readLock(path).catch(() => undefined);
      if (holder && sameLock(holder, info)) await unlink(path).catch(() => {});
    },
  };
}
