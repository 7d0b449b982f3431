// A throwaway PostgreSQL cluster for the tests: initdb into a temporary directory, a free port on
// 127.0.0.1, run as a non-root user (as root: Debian's `postgres` system user), stopped at the
// end. A machine that cannot start one makes the test FAIL with one line saying what is missing.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JournalEvent } from '../../src/store/events.js';
import { openStore } from '../../src/store/open.js';

const run = promisify(execFile);
const BIN = process.env.FINESWEEP_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const ADMIN = 'finesweep_admin';
export const ADMIN_PASSWORD = 'adm1n-s3cret-pw';

export interface PgCluster {
  port: number;
  /** A connection string for a user (the admin by default), database `finesweep` unless given. */
  url(opts?: { user?: string; password?: string; database?: string; host?: string; port?: number }): string;
  /** Run SQL as the admin through psql (sets up roles and databases). */
  sql(text: string, database?: string): string;
  /** pg_ctl restart (fast): every connection drops; the data stays. */
  restart(): Promise<void>;
  /** A crash: pg_ctl stop -m immediate (no shutdown checkpoint, WAL not yet written is lost), then start (crash recovery). */
  crash(): Promise<void>;
  stop(): Promise<void>;
  /** Pids of the server's backends, for connection counts. */
  connections(user?: string): number;
}

function missing(what: string): Error {
  return new Error(`cannot start PostgreSQL for the tests: ${what}`);
}

/** How to run the server binaries: as ourselves, or as `postgres` when we are root. */
function runAs(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw missing('running as root and there is no `postgres` user to run the server as (apt-get install postgresql)');
  if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser') && spawnSync('which', ['runuser']).status !== 0) {
    throw missing('running as root and `runuser` is missing (util-linux)');
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<() => void>();
process.once('exit', () => {
  for (const stop of live) stop();
});

export async function startPostgres(opts: { maxConnections?: number; durable?: boolean } = {}): Promise<PgCluster> {
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(BIN, bin))) throw missing(`${join(BIN, bin)} is missing (apt-get install postgresql-15, or set FINESWEEP_PG_BIN)`);
  }
  const user = runAs();
  const root = mkdtempSync('/tmp/finesweep-pg-');
  const data = join(root, 'data');
  const pwfile = join(root, 'pw');
  writeFileSync(pwfile, ADMIN_PASSWORD + '\n');
  if (user.uid !== undefined) {
    chownSync(root, user.uid, user.gid!);
    chownSync(pwfile, user.uid, user.gid!);
  }
  chmodSync(root, 0o700);
  const exec = (bin: string, args: string[]): string => {
    const [cmd, ...rest] = [...user.prefix, join(BIN, bin), ...args];
    try {
      return execFileSync(cmd, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw missing(`${bin} failed: ${(e.stderr || e.message).trim().split('\n').at(-1)}`);
    }
  };
  exec('initdb', ['-D', data, '-U', ADMIN, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const settings = [
    `-p ${port}`, "-c listen_addresses=127.0.0.1", `-k ${root}`, `-c max_connections=${opts.maxConnections ?? 100}`,
    ...(opts.durable ? [] : ['-c fsync=off']),
  ].join(' ');
  const ctl = (args: string[]): string => exec('pg_ctl', ['-D', data, '-l', join(root, 'log'), '-w', '-t', '60', ...args]);
  ctl(['-o', settings, 'start']);
  const stopNow = (): void => {
    const [cmd, ...rest] = [...user.prefix, join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
    spawnSync(cmd, rest, { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  live.add(stopNow);
  const psql = join(BIN, 'psql');
  const cluster: PgCluster = {
    port,
    url({ user: u = ADMIN, password = u === ADMIN ? ADMIN_PASSWORD : undefined, database = 'finesweep', host = '127.0.0.1', port: p = port } = {}) {
      const auth = password === undefined ? encodeURIComponent(u) : `${encodeURIComponent(u)}:${encodeURIComponent(password)}`;
      return `postgresql://${auth}@${host}:${p}/${database}`;
    },
    sql(text, database = 'postgres') {
      const bin = existsSync(psql) ? psql : 'psql';
      return execFileSync(bin, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', ADMIN, '-d', database, '-c', text], {
        encoding: 'utf8', env: { ...process.env, PGPASSWORD: ADMIN_PASSWORD },
      }).trim();
    },
    async restart() {
      const [cmd, ...rest] = [...user.prefix, join(BIN, 'pg_ctl'), '-D', data, '-l', join(root, 'log'), '-w', '-t', '60', '-m', 'fast', '-o', settings, 'restart'];
      await run(cmd, rest);
    },
    async crash() {
      const [cmd, ...rest] = [...user.prefix, join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
      await run(cmd, rest);
      const [cmd2, ...rest2] = [...user.prefix, join(BIN, 'pg_ctl'), '-D', data, '-l', join(root, 'log'), '-w', '-t', '60', '-o', settings, 'start'];
      await run(cmd2, rest2);
    },
    async stop() {
      live.delete(stopNow);
      const [cmd, ...rest] = [...user.prefix, join(BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'];
      await run(cmd, rest).catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
    connections(u) {
      const where = u ? ` and usename = '${u}'` : '';
      return Number(cluster.sql(`select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()${where}`));
    },
  };
  cluster.sql('create database finesweep');
  return cluster;
}

/** The server's log, for a failing test's message. */
export function serverLog(root: string): string {
  return readFileSync(join(root, 'log'), 'utf8');
}

/** Every event of sweep `name` recorded at `url`, read through the store as a reader would. */
export async function sweepEvents(url: string, name: string, trialFiles: string): Promise<JournalEvent[]> {
  const store = await openStore(url, { sweep: name, trialFiles });
  try {
    return await store.events();
  } finally {
    await store.close();
  }
}
