// Follows the metrics file as the program appends to it: each complete line is handed on as soon as
// it is read; a last line without its newline waits for the rest (a write may be split anywhere).
// Woken by fs.watch, with a slow poll as a safety net (fs.watch may miss events on some filesystems).
// The reads are synchronous: a read of a few appended lines of a local file takes microseconds,
// whereas each round trip through libuv's thread pool costs milliseconds of scheduling on a busy
// machine, several of them a trial.
import { closeSync, fstatSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const POLL_MS = 250;
const CHUNK = 64 * 1024;

export class MetricsFollower {
  readonly #path: string;
  readonly #onLine: (line: string) => void;
  readonly #onError: (err: Error) => void;
  #fd: number | undefined;
  #offset = 0;
  #partial = '';
  readonly #decoder = new StringDecoder('utf8');
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failed = false;

  /** `path` is the file the trainer created empty before the program started. */
  constructor(path: string, onLine: (line: string) => void, onError: (err: Error) => void) {
    this.#path = path;
    this.#onLine = onLine;
    this.#onError = onError;
  }

  /** Follows the file through `fd` (opened readable by the trainer when it made the file; closed by close()). */
  start(fd: number): void {
    this.#fd = fd;
    try {
      this.#watcher = watch(this.#path, () => this.poke());
      this.#watcher.on('error', () => undefined); // the poll still runs
    } catch {
      // No watcher on this filesystem: the poll alone will do.
    }
    this.#timer = setInterval(() => this.poke(), POLL_MS);
  }

  /** Reads whatever has been appended since the last read. */
  poke(): Promise<void> {
    try {
      this.#read();
    } catch (err) {
      this.#fail(err as Error);
    }
    return Promise.resolve();
  }

  /** Stops following after a last read; returns a final line left without its newline ('' if none). */
  async finish(): Promise<string> {
    await this.poke();
    if (!this.#failed && this.#fd !== undefined) {
      const mine = fstatSync(this.#fd);
      let now: ReturnType<typeof statSync> | undefined;
      try {
        now = statSync(this.#path);
      } catch {
        now = undefined;
      }
      if (now === undefined || now.ino !== mine.ino) {
        this.#fail(new Error(`${this.#path} was removed or replaced: append to the metrics file, do not rewrite it`));
      }
    }
    await this.close();
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    return rest;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  #fail(err: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#onError(err);
  }

  #read(): void {
    const fd = this.#fd;
    if (fd === undefined || this.#failed) return;
    const { size } = fstatSync(fd);
    if (size < this.#offset) {
      throw new Error(`${this.#path} shrank from ${this.#offset} to ${size} bytes: append to the metrics file, do not rewrite it`);
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    while (this.#offset < size && !this.#failed) {
      const bytesRead = readSync(fd, buf, 0, Math.min(CHUNK, size - this.#offset), this.#offset);
      if (bytesRead === 0) break;
      this.#offset += bytesRead;
      const text = this.#partial + this.#decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split('\n');
      this.#partial = lines.pop()!;
      for (const line of lines) {
        if (this.#failed) return;
        this.#onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
    }
  }
}
