// Trial files: trials/<id>/ under a directory that may be local or on a shared disk — the
// engine's checkpoints, log.txt, and metrics.jsonl, a view of the trial's epochs in the event log
// kept for people and tools that read one trial. Nothing here is the truth: the event log is.
//
// A trial's directory is made only when something is written there (the trainer's checkpoint or
// weights, a log line): a trial that writes nothing (a synthetic trial, one that failed before it
// started) leaves no directory, and 10,000 of them leave no 10,000 directories. metrics.jsonl is
// kept beside the trial's own files, so it too is written only where the directory exists; every
// reader (report, resume, retention, export, the dashboard) reads the journal and takes a missing
// directory for a trial without files.
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EpochMetrics } from '../trial/types.js';
import { errnoOf, storeError } from './fs-errors.js';
import { LOG_FILE, METRICS_FILE, TRIALS_DIR, checkTrialId } from './layout.js';
import type { TrialFiles } from './store.js';

export class LocalTrialFiles implements TrialFiles {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The path of the trial's directory; it is not created here (see the top of this file). */
  trialDir(trialId: string): string {
    checkTrialId(trialId);
    return join(this.dir, TRIALS_DIR, trialId);
  }

  async log(trialId: string, line: string): Promise<void> {
    const dir = this.trialDir(trialId);
    const path = join(dir, LOG_FILE);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw storeError('create trial directory', dir, err);
    }
    try {
      await appendFile(path, line.endsWith('\n') ? line : line + '\n');
    } catch (err) {
      throw storeError('write log', path, err);
    }
  }

  /**
   * Rewrite the trial's metrics.jsonl from `epochs`, where the trial has a directory: a temp file
   * renamed over it, so a reader never sees half of it. Synchronous: a few microseconds of system
   * calls, where each of the four trips through the thread pool that the same writes take
   * asynchronously costs the event loop a callback at every evaluation of every trial (0.3 ms a
   * one-evaluation trial of bench/command: bench/RESULTS.md). Not fsynced: a view, derived from the
   * event log, that after a power cut may be one write behind.
   */
  writeMetrics(trialId: string, epochs: readonly EpochMetrics[]): void {
    const dir = this.trialDir(trialId);
    if (!isDirectory(dir)) return;
    const path = join(dir, METRICS_FILE);
    // One writer per process and trial at a time (the call is synchronous): the pid names the temp file.
    const tmp = join(dir, `.${METRICS_FILE}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, epochs.map((m) => JSON.stringify(m) + '\n').join(''));
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw storeError('write metrics view', path, err);
    }
  }
}

/** Synchronous, and without an exception for a missing path: asked after every epoch of every trial. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw storeError('read trial directory', path, err);
  }
}
