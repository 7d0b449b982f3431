// Turns a failed file-system call into one clear SweepError: what was being done, the path, and
// what the errno means — "disk full" must read as disk full, not as a stack trace.
import { SweepError } from '../errors.js';

const MEANING: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large (file size limit reached)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent of the path is not a directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "cannot <action> <path>: ENOSPC (no space left on device)". */
export function storeError(action: string, path: string, err: unknown): SweepError {
  const code = errnoOf(err);
  const why = code ? `${code} (${MEANING[code] ?? (err as Error).message})` : String((err as Error)?.message ?? err);
  const e = new SweepError(`cannot ${action} ${path}: ${why}`);
  (e as { cause?: unknown }).cause = err;
  return e;
}
