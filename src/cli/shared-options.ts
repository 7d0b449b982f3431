// Options of every command on a shared sweep (run, resume and worker with --storage).
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { storageFrom } from '../store/open.js';

export interface SharedFlags {
  storage?: string;
  trialFiles?: string;
  heartbeat?: number;
  lease?: number;
}

export function parseSeconds(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InputError(`${flag}: expected a number of seconds > 0, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** The options every command on a shared sweep takes. */
export function sharedOptions(cmd: Command): Command {
  return cmd
    .option('--storage <url>', 'the sweep\'s database: postgresql://user@host:port/db (default $FINESWEEP_STORAGE)')
    .option('--trial-files <dir>', 'where trials/<id>/ go (default results/<name>); on a disk every worker shares, a trial taken over resumes from its checkpoint')
    .option('--heartbeat <s>', 'seconds between lease renewals (default 10)', parseSeconds('--heartbeat'))
    .option('--lease <s>', 'seconds after its last heartbeat a lease is stale and its trial taken over (default 60)', parseSeconds('--lease'));
}

export function sharedRunOptions(flags: SharedFlags) {
  if (flags.heartbeat !== undefined && flags.lease !== undefined && flags.lease <= 2 * flags.heartbeat) {
    throw new InputError(`--lease: expected more than two heartbeats (${2 * flags.heartbeat} s), got ${flags.lease} s`);
  }
  return {
    trialFiles: flags.trialFiles,
    ...(flags.heartbeat !== undefined ? { heartbeatMs: flags.heartbeat * 1000 } : {}),
    ...(flags.lease !== undefined ? { expiryMs: flags.lease * 1000 } : {}),
  };
}

export function requireStorage(flags: SharedFlags): string {
  const storage = storageFrom(flags.storage);
  if (!storage) throw new InputError('--storage: expected postgresql://user@host:port/database (or set FINESWEEP_STORAGE)');
  return storage;
}
