// Read a sweep directory without taking its lock: for the reporter and for resume. Works while a
// controller is still appending (a half-written last line is ignored) and after an interruption.
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { JournalEvent } from './events.js';
import { foldTrials } from './fold.js';
import { readJournal } from './journal.js';
import { JOURNAL_FILE, SPEC_FILE, inspectDir, notASweep, readSpecFile } from './layout.js';
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
