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
import { appendFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EpochMetrics } from '../trial/types.js';
import { errnoOf, storeError } from './fs-errors.js';
import { LOG_FILE, METRICS_FILE, TRIALS_DIR, checkTrialId } from './layout.js';
import type { TrialFiles } from './store.js';

/** What this process last wrote to a trial's metrics.jsonl: its epochs' count, the last one, the file's size. */
interface Written {
  count: number;
  last: EpochMetrics;
  bytes: number;
}

export class LocalTrialFiles implements TrialFiles {
  readonly dir: string;
  readonly #written = new Map<string, Written>();
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
   * Bring the trial's metrics.jsonl up to `epochs`, where the trial has a directory. One more
   * evaluation after the ones this process wrote, with the file as it left it (same size), is a line
   * appended; anything else (the first write here, a resumed trial's re-reported epoch, a file
   * removed or rewritten by someone else) rewrites it: a temp file renamed over it, so a reader never
   * sees half of it. Appending keeps an evaluation's cost flat where rewriting grew with the trial's
   * evaluations (a trial evaluated every few steps records hundreds), and saves the rename, the
   * costliest of these calls (bench/RESULTS.md, "evaluations at scale").
   * Synchronous: a few microseconds of system calls, where each trip through the thread pool that
   * the same writes take asynchronously costs the event loop a callback at every evaluation of every
   * trial (0.3 ms a one-evaluation trial of bench/command). Not fsynced: a view, derived from the
   * event log, that after a power cut may be one write behind.
   */
  writeMetrics(trialId: string, epochs: readonly EpochMetrics[]): void {
    const dir = this.trialDir(trialId);
    const path = join(dir, METRICS_FILE);
    const before = this.#written.get(trialId);
    const n = epochs.length;
    // (The file as this process left it also answers whether the directory is still there.)
    if (before && n === before.count + 1 && epochs[n - 2] === before.last && sizeOf(path) === before.bytes) {
      const line = JSON.stringify(epochs[n - 1]) + '\n';
      try {
        appendFileSync(path, line);
      } catch (err) {
        throw storeError('write metrics view', path, err);
      }
      this.#written.set(trialId, { count: n, last: epochs[n - 1], bytes: before.bytes + Buffer.byteLength(line) });
      return;
    }
    if (!isDirectory(dir)) return;
    // One writer per process and trial at a time (the call is synchronous): the pid names the temp file.
    const tmp = join(dir, `.${METRICS_FILE}.${process.pid}.tmp`);
    const text = epochs.map((m) => JSON.stringify(m) + '\n').join('');
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      this.#written.delete(trialId);
      throw storeError('write metrics view', path, err);
    }
    if (n > 0) this.#written.set(trialId, { count: n, last: epochs[n - 1], bytes: Buffer.byteLength(text) });
    else this.#written.delete(trialId);
  }
}

/** A file's size, or -1 when it is missing (the view is then written whole). */
function sizeOf(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? -1;
  } catch {
    return -1;
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
