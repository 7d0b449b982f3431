// A sweep in PostgreSQL: its event log in the database, its trial files in a directory (local,
// or shared between machines with --trial-files so that a trial taken over resumes from its
// checkpoint).
import { resolve } from 'node:path';
import { SweepStore } from '../sweep-store.js';
import { LocalTrialFiles } from '../trial-files.js';
import { parsePgLocation } from './location.js';
import { PgLog, type PgLogOptions } from './pg-log.js';

export interface PgStoreOptions extends PgLogOptions {
  /** The sweep's name (its spec's name). */
  sweep: string;
  /** Where trials/<id>/ go (default results/<sweep>). */
  trialFiles?: string;
}

export class PgStore extends SweepStore {
  declare readonly eventLog: PgLog;

  static async open(location: string, opts: PgStoreOptions): Promise<PgStore> {
    const log = await PgLog.open(parsePgLocation(location), opts.sweep, opts);
    return new PgStore(log, new LocalTrialFiles(resolve(opts.trialFiles ?? resolve('results', opts.sweep))));
  }
}
