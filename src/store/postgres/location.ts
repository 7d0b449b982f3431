// A PostgreSQL location: `postgresql://user[:password]@host:port/db[?sslmode=…]`, passed to pg
// as is (TLS parameters included). The password never leaves this process in any text: every
// message that may quote the location or the server's words goes through redact().
import { InputError } from '../../errors.js';

export interface PgLocation {
  /** The connection string as given (password included): for pg only, never printed. */
  readonly connectionString: string;
  /** The same with its password replaced by ***: for every message. */
  readonly shown: string;
  readonly user: string;
  readonly database: string;
  readonly hostPort: string;
  /** Secrets to scrub from any text: the password, raw and URL-encoded. */
  readonly secrets: readonly string[];
}

export function parsePgLocation(text: string): PgLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`--storage: not a valid URL (expected postgresql://user@host:port/database)`);
  }
  // pg also takes a password as a query parameter (`?password=…`, and `sslpassword` for a key).
  const raw = [url.password, ...SECRET_PARAMS.map((k) => url.searchParams.get(k) ?? '')];
  const secrets = [...new Set(raw.flatMap((s) => [s, safeDecode(s), encodeURIComponent(s)]))].filter((s) => s.length > 0);
  const shownUrl = new URL(text);
  if (shownUrl.password) shownUrl.password = '***';
  for (const k of SECRET_PARAMS) if (shownUrl.searchParams.has(k)) shownUrl.searchParams.set(k, '***');
  const shown = scrub(shownUrl.toString(), secrets);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new InputError(`--storage ${shown}: no database name (expected postgresql://user@host:port/database)`);
  return {
    connectionString: text,
    shown,
    user: decodeURIComponent(url.username) || process.env.PGUSER || process.env.USER || 'postgres',
    database,
    hostPort: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
    secrets,
  };
}

const SECRET_PARAMS = ['password', 'sslpassword'] as const;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so that a secret containing another is scrubbed whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/** Any text with the location's password (and PGPASSWORD) replaced by ***. */
export function redact(text: string, loc: PgLocation): string {
  const env = process.env.PGPASSWORD;
  return scrub(text, env ? [...loc.secrets, env] : loc.secrets);
}
