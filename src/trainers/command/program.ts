// The user's program as a child process in its own process group, so that a stop reaches everything
// it started (data-loader workers, torchrun's ranks, a shell's children), not just its first process.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { launch, launchable } from './launcher.js';
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
  /** Called once the program's pid (also its process group's id) is known. */
  onPid?: (pid: number) => void;
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

/** Splits a byte stream into lines, each handed on as it completes; `end` hands on the rest. */
function lineSplitter(onLine: (line: string) => void): { push: (chunk: Buffer) => void; end: () => void } {
  let tail = '';
  const decoder = new StringDecoder('utf8');
  return {
    push: (chunk) => {
      const lines = (tail + decoder.write(chunk)).split('\n');
      tail = lines.pop()!;
      for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    end: () => {
      tail += decoder.end();
      if (tail !== '') onLine(tail);
      tail = '';
    },
  };
}

/**
 * output.log, appended synchronously: a chunk of output goes to the page cache in microseconds,
 * where a write stream's open, writes and close each wait for the thread pool (milliseconds a trial
 * on a busy machine). Opened at the first chunk: a program that prints nothing leaves no file, and
 * making a file cost this machine's file system up to 0.7 ms of CPU (bench/RESULTS.md), as much as
 * the rest of a one-line trial.
 */
class Log {
  #fd: number | undefined;
  #ended = false;
  constructor(private readonly path: string) {}
  write(chunk: Buffer): void {
    if (this.#ended) return;
    try {
      this.#fd ??= openSync(this.path, 'a');
    } catch {
      // The trial's directory is gone (removed under a running trial): the output has nowhere to go,
      // and the trial's end is decided by its reports and its exit, not by this file.
      this.#ended = true;
      return;
    }
    for (let done = 0; done < chunk.length; ) done += writeSync(this.#fd, chunk, done);
  }
  end(): void {
    this.#ended = true;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

export class Program {
  readonly #log: Log;
  #pid: number | undefined;
  /** Signals sent before the launcher told the pid: delivered as soon as it does. */
  readonly #early: NodeJS.Signals[] = [];
  /** Resolves when the first process has exited and its output is read (rejects if it never started). */
  readonly exited: Promise<ProgramExit>;

  constructor(argv: readonly string[], opts: ProgramOptions) {
    this.#log = new Log(opts.logFile);
    const out = opts.onStdoutLine !== undefined ? lineSplitter(opts.onStdoutLine) : undefined;
    const err = lineSplitter(opts.onStderrLine);
    const onStdout = (chunk: Buffer): void => {
      this.#log.write(chunk);
      out?.push(chunk);
    };
    const onStderr = (chunk: Buffer): void => {
      this.#log.write(chunk);
      err.push(chunk);
    };
    const ended = (exit: ProgramExit): Promise<ProgramExit> => {
      out?.end();
      err.end();
      this.#log.end();
      return Promise.resolve(exit);
    };
    const req = { argv, cwd: opts.cwd, env: opts.env, onStdout, onStderr };
    if (launchable(req)) {
      let launched;
      try {
        launched = launch(req);
      } catch (e) {
        this.#log.end();
        this.exited = Promise.reject(e as Error);
        return;
      }
      void launched.pid.then((pid) => {
        this.#pid = pid;
        opts.onPid?.(pid);
        for (const sig of this.#early.splice(0)) this.signal(sig);
      }, () => undefined);
      // The launcher has already killed what was left of the program's group.
      this.exited = launched.exited.then(ended, (e: unknown) => {
        this.#log.end();
        throw e;
      });
      return;
    }
    this.exited = this.#spawn(argv, opts, onStdout, onStderr, ended);
  }

  /** Without a launcher: spawn() from this process. */
  #spawn(argv: readonly string[], opts: ProgramOptions, onStdout: (c: Buffer) => void, onStderr: (c: Buffer) => void, ended: (exit: ProgramExit) => Promise<ProgramExit>): Promise<ProgramExit> {
    // detached: the child calls setsid(), so its pid is also its process group's id.
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#pid = child.pid;
    if (child.pid !== undefined) opts.onPid?.(child.pid);
    child.stdout!.on('data', onStdout);
    child.stderr!.on('data', onStderr);
    return new Promise<ProgramExit>((resolve, reject) => {
      child.once('error', (err) => {
        this.#log.end();
        reject(err);
      });
      child.once('exit', (code, signal) => {
        // Whatever the first process left behind in its group goes with it: a trial is over when its
        // program is, and a straggler would hold the GPU the next trial of the slot is given.
        this.signal('SIGKILL');
        // 'close' follows once the pipes are drained (every holder of them is dead by now).
        child.once('close', () => void ended({ code, signal }).then(resolve));
      });
    });
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  /** Sends `sig` to the whole process group; a group already gone is not an error. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.#pid;
    if (pid === undefined) {
      this.#early.push(sig);
      return;
    }
    try {
      process.kill(-pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      // Forked by the launcher but not yet its own group (setsid not yet run): the process itself.
      try {
        process.kill(pid, sig);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
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
