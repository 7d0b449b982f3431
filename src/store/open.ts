// openStore(location): one entry for run, resume, report and worker. A location is a sweep
// directory (the file journal) or a URL whose scheme picks the backend: a registry, one line a
// backend. `--storage` or FINESWEEP_STORAGE gives it.
import { InputError } from '../errors.js';
import { JournalStore } from './journal-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Create the sweep (a directory, a database row) if it does not exist. */
  create?: boolean;
  /** The sweep's name: needed by a database location (a directory is the sweep itself). */
  sweep?: string;
  /** Where a database sweep's trial files go (default results/<sweep>). */
  trialFiles?: string;
  /** Connections of this process's pool (sized from its slots). */
  poolSize?: number;
}

type Opener = (location: string, opts: OpenStoreOptions) => Promise<Store>;

const openPg: Opener = async (location, opts) => {
  if (!opts.sweep) throw new InputError('a PostgreSQL --storage needs the sweep name');
  // Loaded only for a database location: pg takes ~0.5 s to load, which every file sweep's
  // run, resume and report would pay at start.
  const { PgStore } = await import('./postgres/pg-store.js');
  return PgStore.open(location, { ...opts, sweep: opts.sweep });
};

export const STORES: Record<string, Opener> = {
  file: (location, opts) => JournalStore.open(location.replace(/^file:\/\//, ''), opts),
  postgresql: openPg,
  postgres: openPg,
};

/** 'file' for a path, else the URL's scheme. */
export function schemeOf(location: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(location);
  return m ? m[1].toLowerCase() : 'file';
}

export async function openStore(location: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const scheme = schemeOf(location);
  const open = STORES[scheme];
  if (!open) {
    throw new InputError(`--storage: unknown scheme ${JSON.stringify(scheme + '://')} (expected a directory or postgresql://user@host:port/database)`);
  }
  return open(location, opts);
}

/** The database location from --storage, else FINESWEEP_STORAGE, else none (the file journal). */
export function storageFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = flag ?? env.FINESWEEP_STORAGE;
  return value === undefined || value === '' ? undefined : value;
}
