// `finesweep dashboard [results-dir]` / `finesweep dashboard --storage URL [name]`: a read-only
// local web dashboard of the sweeps in a results directory or a database, live while they run.
// Binds 127.0.0.1 unless --host says otherwise (with a warning). A database's password is never
// printed: the banner shows its location redacted.
import type { Command } from 'commander';
import { InputError, InterruptedError } from '../errors.js';
import { LOOPBACK, startDashboard } from '../dashboard/server.js';
import { storageFrom } from '../store/open.js';

interface DashboardFlags {
  port: string;
  host: string;
  storage?: string;
  trialFiles?: string;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InputError(`--port: expected a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** `arg`: the results directory, or with --storage (or FINESWEEP_STORAGE) the one sweep to show. */
export async function dashboardCommand(arg: string | undefined, flags: DashboardFlags, out: { log: (line: string) => void; warn: (line: string) => void }, signal?: AbortSignal): Promise<void> {
  const port = parsePort(flags.port);
  const host = flags.host.trim();
  if (host === '') throw new InputError('--host: expected an address such as 127.0.0.1');
  const storage = storageFrom(flags.storage);
  if (flags.trialFiles !== undefined && (storage === undefined || arg === undefined)) {
    throw new InputError('--trial-files: only with --storage and a sweep name (the directory of that sweep\'s trial files, as its workers were given)');
  }
  const dir = storage === undefined ? (arg ?? 'results') : '';
  const sweep = storage === undefined ? undefined : arg;
  const dashboard = await startDashboard({ dir, host, port, ...(storage !== undefined ? { storage, sweep, trialFiles: flags.trialFiles } : {}) });
  // Listen for the signals before saying where the dashboard is: a Ctrl-C right after the line
  // must stop it cleanly.
  const stopped = new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    const on = (sig: 'SIGINT' | 'SIGTERM') => () => resolve(sig);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
    signal?.addEventListener('abort', () => resolve('SIGTERM'), { once: true });
  });
  if (!LOOPBACK.has(host)) {
    out.warn(`warning: the dashboard listens on ${host}, reachable from other machines, with no authentication: anyone who can reach ${dashboard.url} can read these sweeps`);
  }
  const what = sweep !== undefined ? `sweep ${sweep} in ${dashboard.where}` : `sweeps in ${dashboard.where}`;
  out.log(`dashboard: ${dashboard.url} (${what}; read-only; Ctrl-C to stop)`);
  const sig = await stopped;
  await dashboard.close();
  throw new InterruptedError(`dashboard stopped (${sig})`, sig);
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('serve a live, read-only web dashboard of the sweeps in a results directory or a database')
    .argument('[results-dir]', 'the results directory (or one sweep directory; default results), or with --storage one sweep\'s name (default: every sweep)')
    .option('--storage <url>', 'the sweeps of this database (postgresql://user@host:port/db; default $FINESWEEP_STORAGE)')
    .option('--trial-files <dir>', 'with --storage and a sweep name: that sweep\'s trial files, for log tails (default results/<name>)')
    .option('--port <n>', 'the port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'the address to listen on; anything but loopback is reachable from the network', '127.0.0.1')
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep dashboard                       # http://127.0.0.1:8080/ over ./results
  $ finesweep dashboard results --port 9000
  $ finesweep dashboard results/spam-grid     # one sweep
  $ finesweep dashboard --storage postgresql://me@db:5432/sweeps            # every sweep in a database
  $ FINESWEEP_STORAGE=postgresql://me@db/sweeps finesweep dashboard spam-grid

Pages: the sweeps with their state and best objective; a sweep's live leaderboard (flags,
recommendations, plots); a trial (parameters, per-epoch metrics, data report, log); a compare view
of 2-4 trials. Updates arrive as the journal grows (or, in a database, as workers record events),
without a reload. The password may be given in PGPASSWORD; it is never printed.
`,
    )
    .action(async (arg: string | undefined, flags: DashboardFlags) => {
      await dashboardCommand(arg, flags, { log: (l) => process.stdout.write(`${l}\n`), warn: (l) => process.stderr.write(`${l}\n`) });
    });
}
