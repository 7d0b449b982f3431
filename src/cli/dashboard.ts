// `finesweep dashboard [results-dir]`: a read-only local web dashboard of the sweeps in a results
// directory, live while they run. Binds 127.0.0.1 unless --host says otherwise (with a warning).
import type { Command } from 'commander';
import { InputError, InterruptedError } from '../errors.js';
import { LOOPBACK, startDashboard } from '../dashboard/server.js';

interface DashboardFlags {
  port: string;
  host: string;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InputError(`--port: expected a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return Number(value);
}

export async function dashboardCommand(dir: string, flags: DashboardFlags, out: { log: (line: string) => void; warn: (line: string) => void }, signal?: AbortSignal): Promise<void> {
  const port = parsePort(flags.port);
  const host = flags.host.trim();
  if (host === '') throw new InputError('--host: expected an address such as 127.0.0.1');
  const dashboard = await startDashboard({ dir, host, port });
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
  out.log(`dashboard: ${dashboard.url} (sweeps in ${dir}; read-only; Ctrl-C to stop)`);
  const sig = await stopped;
  await dashboard.close();
  throw new InterruptedError(`dashboard stopped (${sig})`, sig);
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('serve a live, read-only web dashboard of the sweeps in a results directory')
    .argument('[results-dir]', 'the results directory (or one sweep directory)', 'results')
    .option('--port <n>', 'the port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'the address to listen on; anything but loopback is reachable from the network', '127.0.0.1')
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep dashboard                       # http://127.0.0.1:8080/ over ./results
  $ finesweep dashboard results --port 9000
  $ finesweep dashboard results/spam-grid     # one sweep

Pages: the sweeps with their state and best objective; a sweep's live leaderboard (flags,
recommendations, plots); a trial (parameters, per-epoch metrics, data report, log); a compare view
of 2-4 trials. Updates arrive as the journal grows, without a reload.
`,
    )
    .action(async (dir: string, flags: DashboardFlags) => {
      await dashboardCommand(dir, flags, { log: (l) => process.stdout.write(`${l}\n`), warn: (l) => process.stderr.write(`${l}\n`) });
    });
}
