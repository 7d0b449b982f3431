// Read a sweep directory without taking its lock: for the reporter and for resume. Works while a
// controller is still appending (a half-written last line is ignored) and after an interruption.
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { JournalEvent } from './events.js';
import { foldTrials } from './fold.js';
import { readJournal } from './journal.js';
import { JOURNAL_FILE, SPEC_FILE, inspectDir, notASweep, readSpecFile } from './layout.js';
import { openStore } from './open.js';
import type { SweepState } from './state.js';

export interface SweepRecord {
  spec: unknown;
  hash: string;
  events: JournalEvent[];
  state: SweepState;
}

export async function readSweep(dir: string): Promise<SweepRecord> {
  const abs = resolve(dir);
  const problem = notASweep(dir, await inspectDir(abs));
  if (problem) throw problem;
  const resolved = await readSpecFile(abs);
  if (!resolved) throw new InputError(`not a sweep directory: ${dir} (no ${SPEC_FILE} in it)`);
  const { events } = await readJournal(join(abs, JOURNAL_FILE));
  return { spec: resolved.spec, hash: resolved.hash, events, state: foldTrials(events) };
}

/** The same record from any store location (a database sweep by its name); the store is closed after. */
export async function readStoredSweep(location: string, name: string): Promise<SweepRecord & { dir: string }> {
  const store = await openStore(location, { sweep: name });
  try {
    const resolved = await store.readSpec();
    if (!resolved) throw new InputError(`sweep ${JSON.stringify(name)} in ${store.location} has no resolved spec yet (its first run has not started)`);
    const events = await store.events();
    return { spec: resolved.spec, hash: resolved.hash, events, state: foldTrials(events), dir: store.dir };
  } finally {
    await store.close();
  }
}
