// Durable small-file writes: temp file in the same directory, fsync, rename over, fsync the
// directory — a crash leaves either the old file or the new one, never half of either.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoOf, storeError } from './fs-errors.js';

/** fsync a directory so that a create or rename inside it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (err) {
    // Some platforms cannot open a directory for reading; durability there is best effort.
    if (errnoOf(err) === 'EISDIR' || errnoOf(err) === 'EPERM') return;
    throw err;
  }
  try {
    await handle.sync().catch((err: unknown) => {
      if (errnoOf(err) !== 'EINVAL' && errnoOf(err) !== 'EBADF') throw err;
    });
  } finally {
    await handle.close();
  }
}

/**
 * Replace a file atomically. `durable: false` skips the fsyncs, for files derived from the journal
 * (which is the truth and is synced): after a power cut they may be one write behind, never torn.
 */
export async function atomicWrite(path: string, data: string | Buffer, opts: { durable?: boolean } = {}): Promise<void> {
  const durable = opts.durable !== false;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    if (durable) await fsyncDir(dir);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw storeError('write', path, err);
  }
}
