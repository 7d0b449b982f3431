// The journal: an append-only file of JSON events, one a line (when an append is durable: see
// Journal below). A crash can only leave a torn last line: reads ignore it, and the next append
// cuts it off and records `journal_repaired` first (Optuna issue #5138 glued the torn line to the
// next append, making the journal unreadable). A corrupt line anywhere else is not a
// crash artifact: it is refused with its line number and byte offset, and the file is left alone.
import { writeSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SweepError } from '../errors.js';
import type { JournalEvent, JournalEventBody } from './events.js';
import { errnoOf, storeError } from './fs-errors.js';
import { fsyncDir } from './fs-util.js';

const NEWLINE = 0x0a;

export interface ParsedJournal {
  events: JournalEvent[];
  /** Bytes up to the end of the last complete, valid line. */
  validBytes: number;
  /** Bytes after validBytes: a torn last line (0 if none). */
  tornBytes: number;
}

/**
 * Parse journal bytes. A last line without its newline, or a last line that is not JSON, is torn
 * (reported in tornBytes, not returned); any other bad line throws a SweepError naming it.
 */
export function parseJournal(bytes: Buffer, path: string): ParsedJournal {
  const events: JournalEvent[] = [];
  let offset = 0;
  let line = 0;
  let lastSeq = 0;
  while (offset < bytes.length) {
    line++;
    const end = bytes.indexOf(NEWLINE, offset);
    const isLast = end === -1 || end === bytes.length - 1;
    if (end === -1) return { events, validBytes: offset, tornBytes: bytes.length - offset };
    const text = bytes.toString('utf8', offset, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (isLast) return { events, validBytes: offset, tornBytes: bytes.length - offset };
      throw corrupt(path, line, offset, 'not valid JSON');
    }
    const problem = checkEvent(value, lastSeq);
    if (problem) throw corrupt(path, line, offset, problem);
    const event = value as JournalEvent;
    lastSeq = event.seq;
    events.push(event);
    offset = end + 1;
  }
  return { events, validBytes: offset, tornBytes: 0 };
}

function checkEvent(value: unknown, lastSeq: number): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const { seq, type } = value as { seq?: unknown; type?: unknown };
  if (typeof type !== 'string') return 'no "type" string';
  if (typeof seq !== 'number' || !Number.isInteger(seq)) return 'no integer "seq"';
  if (seq <= lastSeq) return `seq ${seq} does not follow ${lastSeq}`;
  return undefined;
}

function corrupt(path: string, line: number, offset: number, why: string): SweepError {
  return new SweepError(
    `journal ${path} is corrupt at line ${line} (byte offset ${offset}): ${why}; the file was left unchanged`,
  );
}

/** Read a journal file; a missing file is an empty journal. */
export async function readJournal(path: string): Promise<ParsedJournal> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { events: [], validBytes: 0, tornBytes: 0 };
    throw storeError('read journal', path, err);
  }
  return parseJournal(bytes, path);
}

interface PendingAppend {
  body: JournalEventBody;
  resolve: (event: JournalEvent) => void;
  reject: (err: unknown) => void;
}

/**
 * Events whose append resolves only once they are fdatasynced: the caller acts on the disk on
 * their word (a retention removal is journaled, then the files go), so they must not be lost
 * even to a power cut while their effect is not.
 */
const SYNCED_BEFORE_RESOLVE: ReadonlySet<string> = new Set(['trial_files_removed']);

/**
 * One writer's handle on a journal file. The caller holds the sweep lock (lock.ts) so that only one
 * Journal writes a file. Appends are group-committed: those that arrive while a write is in flight
 * are written together by the next one, one write(2) a batch.
 *
 * Durability. An append resolves once its line is written: from then on a kill -9 of this process
 * or of any other cannot lose it, since the bytes are in the kernel's page cache, which outlives
 * every process. That is finesweep's standard (a killed process loses at most the current epoch of
 * each running trial and never runs a finished trial again; tests/e2e/interrupt, tests/sweep,
 * tests/store kill writers mid-sweep). fdatasync guards against what the standard does not ask for,
 * a power cut or a kernel crash, and runs behind the writes instead of before each append
 * resolves: one at a time, started again at once when more was written meanwhile, so the synced
 * journal trails the written one by about one sync (milliseconds). Syncing before every append
 * cost 1.3 ms an event here, three events a trial, and made the run loop wait on the disk
 * (issue 14: 21 ms a trial through the CLI against Optuna's 2.7). Exceptions:
 * SYNCED_BEFORE_RESOLVE events; `sync()` and `close()` wait for the sync; a failed sync fails
 * every later append (the error is the disk's, as for a failed write).
 */
export class Journal {
  private handle: FileHandle | undefined;
  /** Size of the file up to the last written line, while open. */
  private size = 0;
  /** Bytes of the file known to be synced (fdatasync returned after they were written). */
  private syncedSize = 0;
  /** The background fdatasync in flight, if any. */
  private syncing: Promise<void> | undefined;
  /** The first failed fdatasync: every later append fails with it. */
  private syncError: Error | undefined;
  private lastSeq = 0;
  /** Torn bytes cut off and not yet recorded by a journal_repaired event. */
  private repairedBytes = 0;
  private queue: PendingAppend[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  constructor(readonly path: string) {}

  /** Every event in order, read from disk (a torn last line is ignored). */
  async events(): Promise<JournalEvent[]> {
    return (await readJournal(this.path)).events;
  }

  /** Append one event: assigns seq and time, resolves after it is on disk. */
  append(body: JournalEventBody): Promise<JournalEvent> {
    return new Promise<JournalEvent>((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Wait until every line written so far is fdatasynced; throws the sync's error if one failed. */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    if (this.syncError) throw this.syncError;
  }

  /** Wait for queued appends and their sync, then close the file. The journal can be appended to again later. */
  async close(): Promise<void> {
    while (this.draining) await this.idle;
    await this.settleSync();
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.close();
    if (this.syncError) throw this.syncError;
  }

  /** Start the background fdatasync unless one is running (it loops while more was written). */
  private startSync(): void {
    if (this.syncing || this.syncError) return;
    this.syncing = (async () => {
      try {
        while (this.handle && this.syncedSize < this.size) {
          const target = this.size;
          await this.handle.datasync();
          this.syncedSize = target;
        }
      } catch (err) {
        this.syncError ??= storeError('sync journal', this.path, err);
      } finally {
        this.syncing = undefined;
      }
    })();
  }

  /** Wait for the background sync to end, whatever its outcome. */
  private async settleSync(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    try {
      // Let the appends issued in the same tick (Promise.all over slots) join the first batch.
      await null;
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        // commit settles each append itself; this only guards against the unforeseen.
        await this.commit(batch).catch((err: unknown) => batch.forEach((p) => p.reject(err)));
      }
    } finally {
      this.draining = false;
      this.markIdle();
    }
  }

  /** Write one batch with one write; settles every append in it. */
  private async commit(batch: PendingAppend[]): Promise<void> {
    if (this.syncError) {
      for (const p of batch) p.reject(this.syncError);
      return;
    }
    try {
      await this.ensureOpen();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const handle = this.handle!;
    const time = new Date().toISOString();
    let seq = this.lastSeq;
    const lines: string[] = [];
    const written: Array<{ pending: PendingAppend; event: JournalEvent }> = [];
    if (this.repairedBytes > 0) {
      lines.push(JSON.stringify(stamp({ type: 'journal_repaired', dropped_bytes: this.repairedBytes }, ++seq, time)));
    }
    for (const pending of batch) {
      const event = stamp(pending.body, seq + 1, time);
      let line: string;
      try {
        line = JSON.stringify(event);
      } catch (err) {
        // One event that cannot be written (a cycle, a BigInt) fails alone, not its batch.
        pending.reject(new SweepError(`cannot record a ${pending.body.type} event: ${(err as Error).message}`));
        continue;
      }
      seq++;
      lines.push(line);
      written.push({ pending, event });
    }
    if (lines.length === 0) return;
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    try {
      writeAll(handle, bytes);
    } catch (err) {
      // Leave no partial line behind: cut back to the last written line. If even that fails, the
      // torn tail is ignored by readers and repaired by the next append (the file is re-read).
      await handle.truncate(this.size).catch(() => {});
      await this.settleSync();
      this.handle = undefined;
      await handle.close().catch(() => {});
      const error = storeError('append to journal', this.path, err);
      for (const w of written) w.pending.reject(error);
      return;
    }
    this.size += bytes.length;
    this.lastSeq = seq;
    this.repairedBytes = 0;
    this.startSync();
    if (written.some((w) => SYNCED_BEFORE_RESOLVE.has(w.event.type))) {
      try {
        await this.sync();
      } catch (err) {
        for (const w of written) w.pending.reject(err);
        return;
      }
    }
    for (const w of written) w.pending.resolve(w.event);
  }

  /** Open for appending; on first open, read the file and cut a torn tail. */
  private async ensureOpen(): Promise<void> {
    if (this.handle) return;
    const parsed = await readJournal(this.path); // throws on a corrupt middle line: file untouched
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'a');
    } catch (err) {
      throw storeError('open journal', this.path, err);
    }
    try {
      if (parsed.tornBytes > 0) {
        await handle.truncate(parsed.validBytes);
        await handle.datasync();
      }
      if (parsed.validBytes === 0 && parsed.tornBytes === 0) await fsyncDir(dirname(this.path));
    } catch (err) {
      await handle.close().catch(() => {});
      throw storeError('repair journal', this.path, err);
    }
    this.handle = handle;
    this.size = parsed.validBytes;
    // What an earlier writer left is synced by the first sync too (it may have died before its own).
    this.syncedSize = 0;
    this.lastSeq = parsed.events.at(-1)?.seq ?? 0;
    this.repairedBytes += parsed.tornBytes;
  }
}

function stamp(body: JournalEventBody, seq: number, time: string): JournalEvent {
  // seq and time first so that a line reads in order; a caller's own seq/time never wins.
  const { seq: _s, time: _t, ...rest } = body as JournalEventBody & { seq?: unknown; time?: unknown };
  return { seq, time, ...rest } as JournalEvent;
}

/**
 * Written synchronously: a batch is a few hundred bytes into the page cache (microseconds), where
 * an asynchronous write costs a round trip through libuv's thread pool, a wait that a sweep of
 * short trials paid three times a trial.
 */
function writeAll(handle: FileHandle, bytes: Buffer): void {
  let done = 0;
  while (done < bytes.length) {
    const bytesWritten = writeSync(handle.fd, bytes, done, bytes.length - done);
    if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}
