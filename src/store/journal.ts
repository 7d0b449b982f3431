// The journal: an append-only file of JSON events, one a line, each made durable (fdatasync)
// before its append resolves. A crash can only leave a torn last line: reads ignore it, and the
// next append cuts it off and records `journal_repaired` first (Optuna issue #5138 glued the torn
// line to the next append, making the journal unreadable). A corrupt line anywhere else is not a
// crash artifact: it is refused with its line number and byte offset, and the file is left alone.
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
 * One writer's handle on a journal file. The caller holds the sweep lock (lock.ts) so that only one
 * Journal writes a file. Appends are group-committed: those that arrive while a write+fsync is in
 * flight are written together by the next one, and each resolves only once its bytes are synced.
 */
export class Journal {
  private handle: FileHandle | undefined;
  /** Size of the file up to the last synced line, while open. */
  private size = 0;
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

  /** Wait for queued appends, then close the file. The journal can be appended to again later. */
  async close(): Promise<void> {
    while (this.draining) await this.idle;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.close();
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

  /** Write one batch with one fdatasync; settles every append in it. */
  private async commit(batch: PendingAppend[]): Promise<void> {
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
      await writeAll(handle, bytes);
      await handle.datasync();
    } catch (err) {
      // Leave no partial line behind: cut back to the last synced line. If even that fails, the
      // torn tail is ignored by readers and repaired by the next append (the file is re-read).
      await handle.truncate(this.size).catch(() => {});
      this.handle = undefined;
      await handle.close().catch(() => {});
      const error = storeError('append to journal', this.path, err);
      for (const w of written) w.pending.reject(error);
      return;
    }
    this.size += bytes.length;
    this.lastSeq = seq;
    this.repairedBytes = 0;
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
    this.lastSeq = parsed.events.at(-1)?.seq ?? 0;
    this.repairedBytes += parsed.tornBytes;
  }
}

function stamp(body: JournalEventBody, seq: number, time: string): JournalEvent {
  // seq and time first so that a line reads in order; a caller's own seq/time never wins.
  const { seq: _s, time: _t, ...rest } = body as JournalEventBody & { seq?: unknown; time?: unknown };
  return { seq, time, ...rest } as JournalEvent;
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}
