// What a PostgreSQL failure means to the user, in one line with the password redacted: a wrong
// address, password, database or right is bad input (exit 2); a server failing under us is the
// sweep's failure (exit 1). Connection losses are transient: the caller retries them with backoff.
import { FinesweepError, InputError, SweepError } from '../../errors.js';
import { redact, type PgLocation } from './location.js';

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', // admin_shutdown, crash_shutdown, cannot_connect_now
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  '40001', '40P01', // serialization failure, deadlock: the transaction can simply run again
]);

export function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A dropped or refused connection, or a server restarting: worth another try. */
export function isTransient(err: unknown): boolean {
  const code = pgCode(err);
  if (code && TRANSIENT_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|not queryable|the database system is (starting up|shutting down)/i.test(message);
}

/** A failure at open (nothing retried yet): what was wrong with the location, one line. */
export function openError(err: unknown, loc: PgLocation): FinesweepError {
  if (err instanceof FinesweepError) return err;
  const code = pgCode(err);
  const message = redact(err instanceof Error ? err.message : String(err), loc);
  const where = `PostgreSQL at ${loc.shown}`;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN' || /timeout/i.test(message)) {
    return new InputError(`cannot reach ${where} (${code ?? message}); is the server running on ${loc.hostPort}, and is --storage right?`);
  }
  if (code === '28P01' || code === '28000') return new InputError(`${where}: ${message} (check the user and password in --storage or PGPASSWORD)`);
  if (code === '3D000') return new InputError(`${where}: ${message} (create it first: createdb ${loc.database})`);
  if (code === '42501') {
    return new InputError(`${where}: user "${loc.user}" lacks the rights finesweep needs (${message}); grant it CREATE and USAGE on the schema, or use a database it owns`);
  }
  return failure(err, loc, 'open');
}

/** A failure during the sweep: one line, exit 1. */
export function failure(err: unknown, loc: PgLocation, doing: string): SweepError {
  if (err instanceof SweepError) return err;
  const message = redact(err instanceof Error ? err.message : String(err), loc);
  const code = pgCode(err);
  const e = new SweepError(`PostgreSQL at ${loc.shown}: cannot ${doing}: ${message}${code ? ` (${code})` : ''}`);
  return e;
}
