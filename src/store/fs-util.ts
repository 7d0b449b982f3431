// The store's durable writes: the project's one atomic write (src/atomic-write.ts), its
// failures reported as the store's (a SweepError naming the file and what went wrong).
import { atomicWrite as writeAtomically, fsyncDir } from '../atomic-write.js';
import { storeError } from './fs-errors.js';

export { fsyncDir };

/** Replace a file atomically (see src/atomic-write.ts); a failure names the file. */
export async function atomicWrite(path: string, data: string | Buffer, opts: { durable?: boolean } = {}): Promise<void> {
  try {
    await writeAtomically(path, data, opts);
  } catch (err) {
    throw storeError('write', path, err);
  }
}

