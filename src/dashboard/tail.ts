// A live, read-only view of one sweep's journal: the journal is read once, then only the bytes
// appended since (an offset into the file), each new complete line folded into the sweep's state
// with the store's own fold (applyEvent). A half-written last line waits for its newline. A file
// that shrank below what was read was replaced (not appended to): it is read again from the start.
import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../store/fs-errors.js';
import { EventFeed } from '../store/feed.js';
import { parseJournal } from '../store/journal.js';
import { JOURNAL_FILE } from '../store/layout.js';
import { FoldedFeed } from './folded-feed.js';

/** A safety poll for file systems where fs.watch says nothing (network mounts, some containers). */
const POLL_MS = 1000;

export class JournalTail extends FoldedFeed {
  readonly path: string;
  /** Bytes of the journal consumed (complete lines). */
  private offset = 0;
  /** Bytes read from disk in all, for tests and the bench: reads are incremental. */
  bytesRead = 0;
  /** Set when the journal has a corrupt line: the state stays at the last good line. */
  error: string | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly dir: string) {
    super();
    this.path = join(dir, JOURNAL_FILE);
  }

  /** Follow the file: fs.watch on the sweep directory, and a slow poll as a safety net. */
  start(): void {
    if (this.timer) return;
    const kick = (): void => void this.poll().catch(() => {});
    try {
      this.watcher = watch(this.dir, { persistent: false }, (_event, name) => {
        if (name === null || name === JOURNAL_FILE) kick();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined; // the poll alone follows the file
    }
    this.timer = setInterval(kick, POLL_MS);
    this.timer.unref();
    kick();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  protected async readNew(): Promise<boolean> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        this.feed = new EventFeed();
        this.offset = 0;
        this.error = undefined;
      }
      if (size === this.offset || this.error) return false;
      const bytes = Buffer.alloc(size - this.offset);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, this.offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      this.bytesRead += done;
      let parsed;
      try {
        parsed = parseJournal(bytes.subarray(0, done), this.path);
      } catch (err) {
        this.error = (err as Error).message;
        return false;
      }
      this.offset += parsed.validBytes;
      this.feed.addAll(parsed.events);
      return parsed.events.length > 0;
    } finally {
      await handle.close();
    }
  }
}
