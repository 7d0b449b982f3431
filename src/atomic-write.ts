// Durable small-file writes, the one implementation (the store, the engine's checkpoints and
// model files, the reports): temp file in the same directory, fsync, rename over, fsync the
// directory — a crash leaves either the old file or the new one, never half of either.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** fsync a directory so that a create or rename inside it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (err) {
    // Some platforms cannot open a directory for reading; durability there is best effort.
    if (errno(err) === 'EISDIR' || errno(err) === 'EPERM') return;
    throw err;
  }
  try {
    await handle.sync().catch((err: unknown) => {
      if (errno(err) !== 'EINVAL' && errno(err) !== 'EBADF') throw err;
    });
  } finally {
    await handle.close();
  }
}

/**
 * Replace a file atomically with `data` (a string, bytes, or chunks of either written in order).
 * `durable: false` skips the fsyncs, for files derived from a record that is itself synced (a
 * report, a trial's metrics file): after a power cut they may be one write behind, never torn.
 * Errors are the file system's, for the caller to name; the temp file never stays behind.
 */
export async function atomicWrite(path: string, data: string | Uint8Array | ReadonlyArray<string | Uint8Array>, opts: { durable?: boolean } = {}): Promise<void> {
  const durable = opts.durable !== false;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      for (const chunk of typeof data === "string" || data instanceof Uint8Array ? [data] : data) await handle.writeFile(chunk);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  if (durable) await fsyncDir(dir);
}
