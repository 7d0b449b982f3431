// The user's program as a child process in its own process group, so that a stop reaches everything
// it started (data-loader workers, torchrun's ranks, a shell's children), not just its first process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProgramOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Both output streams are appended here as they arrive. */
  logFile: string;
  /** Each complete line of stderr. */
  onStderrLine: (line: string) => void;
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
    let errTail = '';
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      this.#log.write(chunk);
    });
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (chunk: string) => {
      this.#log.write(chunk);
      const lines = (errTail + chunk).split('\n');
      errTail = lines.pop()!;
      for (const line of lines) opts.onStderrLine(line);
    });
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
          if (errTail !== '') opts.onStderrLine(errTail);
          errTail = '';
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

  /**
   * SIGTERM to the group, then SIGKILL if the first process has not exited after `graceS` seconds.
   * Resolves with the signal that ended it and how long it took.
   */
  async stop(graceS: number): Promise<{ signal: 'SIGTERM' | 'SIGKILL'; afterS: number }> {
    const t0 = performance.now();
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), graceS * 1000);
    });
    const first = await Promise.race([this.exited.then(() => 'exited' as const, () => 'exited' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'grace') {
      this.signal('SIGKILL');
      await this.exited.catch(() => undefined);
    }
    return { signal: first === 'grace' ? 'SIGKILL' : 'SIGTERM', afterS: (performance.now() - t0) / 1000 };
  }
}
