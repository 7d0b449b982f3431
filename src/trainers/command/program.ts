// The user's program as a child process in its own process group, so that a stop reaches everything
// it started (data-loader workers, torchrun's ranks, a shell's children), not just its first process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EndedBy } from './port.js';

export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProgramOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Both output streams are appended here as they arrive. */
  logFile: string;
  /** Each complete line of stdout (a last line without its newline comes at the exit). */
  onStdoutLine?: (line: string) => void;
  /** Each complete line of stderr (the same). */
  onStderrLine: (line: string) => void;
}


export interface StopOptions {
  /** Each phase's wait: after the stop file (for a program that reads it), then after SIGTERM. */
  graceS: number;
  /** The stop file (FINESWEEP_STOP_FILE): written first, with the reason in it. */
  stopFile?: string;
  reason?: string;
}

/**
 * The marker a program leaves beside the stop file once it reads it (finesweep.py does on its first
 * look): only such a program is given the grace before SIGTERM, so that a program that cannot know
 * of the file is not kept waiting for nothing.
 */
export const listeningMarker = (stopFile: string): string => `${stopFile}.listening`;

/** Splits a stream into lines, each handed on as it completes; the rest at the end. */
function followLines(stream: Readable, onLine: (line: string) => void): () => void {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (tail + chunk).split('\n');
    tail = lines.pop()!;
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  });
  return () => {
    if (tail !== '') onLine(tail);
    tail = '';
  };
}

export class Program {
  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  /** Resolves when the first process has exited and its output is read (rejects if it never started). */
  readonly exited: Promise<ProgramExit>;

  constructor(argv: readonly string[], opts: ProgramOptions) {
    this.#log = createWriteStream(opts.logFile, { flags: 'a' });
    // detached: the child calls setsid(), so its pid is also its process group's id.
    this.#child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.on('data', (chunk: Buffer | string) => this.#log.write(chunk));
    this.#child.stderr!.on('data', (chunk: Buffer | string) => this.#log.write(chunk));
    const endOut = opts.onStdoutLine !== undefined ? followLines(this.#child.stdout!, opts.onStdoutLine) : () => undefined;
    const endErr = followLines(this.#child.stderr!, opts.onStderrLine);
    this.exited = new Promise<ProgramExit>((resolve, reject) => {
      this.#child.once('error', (err) => {
        this.#log.end();
        reject(err);
      });
      this.#child.once('exit', (code, signal) => {
        // Whatever the first process left behind in its group goes with it: a trial is over when its
        // program is, and a straggler would hold the GPU the next trial of the slot is given.
        this.signal('SIGKILL');
        const done = (): void => {
          endOut();
          endErr();
          this.#log.end(() => resolve({ code, signal }));
        };
        // 'close' follows once the pipes are drained (every holder of them is dead by now).
        this.#child.once('close', done);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends `sig` to the whole process group; a group already gone is not an error. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  /** Whether the first process exits within `seconds`. */
  async #exitsWithin(seconds: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), seconds * 1000);
    });
    const exited = await Promise.race([this.exited.then(() => true as const, () => true as const), graceOver]);
    clearTimeout(timer);
    return exited;
  }

  /**
   * The cooperative stop: the stop file first (a program that reads it saves and exits, and is given
   * `graceS` for that), then SIGTERM to the group, then SIGKILL if the first process has not exited
   * `graceS` later. Resolves with what ended it and how long it took.
   */
  async stop(opts: StopOptions): Promise<{ endedBy: EndedBy; afterS: number }> {
    const t0 = performance.now();
    const afterS = (): number => (performance.now() - t0) / 1000;
    if (opts.stopFile !== undefined) {
      try {
        writeFileSync(opts.stopFile, `${opts.reason ?? 'stop'}\n`);
      } catch {
        // The trial directory is gone (a hard stop raced this one): the signals still reach it.
      }
      if (existsSync(listeningMarker(opts.stopFile)) && (await this.#exitsWithin(opts.graceS))) return { endedBy: 'stop_file', afterS: afterS() };
    }
    this.signal('SIGTERM');
    if (await this.#exitsWithin(opts.graceS)) return { endedBy: 'SIGTERM', afterS: afterS() };
    this.signal('SIGKILL');
    await this.exited.catch(() => undefined);
    return { endedBy: 'SIGKILL', afterS: afterS() };
  }
}
