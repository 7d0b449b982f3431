// Starts programs from a small long-lived /bin/sh instead of from the controller. Node's spawn()
// forks the whole controller and then blocks its event loop until the child has exec'd: on a busy
// 2-core machine that is several milliseconds a trial during which no other slot's events are
// handled. A shell forks a process of a few hundred kilobytes and reports back over a pipe, so the
// controller only writes one line. Each launcher runs one program at a time; idle ones are reused.
//
// Per program, the launcher runs `( redirect; cd; env; exec setsid argv ) &`, so that the program is
// its own process group as with spawn({ detached: true }); its stdout and stderr go to the launcher's
// fds 3 and 4 (pipes to us), and after it exits the launcher kills what is left of its group and
// writes an end token on both pipes, then `exit <pid> <status>` on its stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { constants as os } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export interface LaunchExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Launched {
  /** The program's pid, also its process group's id; known once the launcher has forked it. */
  readonly pid: Promise<number>;
  /** Resolves once the program has exited and all of its output has been handed on. */
  readonly exited: Promise<LaunchExit>;
}

export interface LaunchRequest {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find((p) => existsSync(p));
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A watcher kills the launcher when fd 5 (a pipe nothing is written to) reaches EOF, that is when
// the controller has died (kill -9 included): the running program is then orphaned, as it was when
// the controller was its parent, and a program that watches its parent (finesweep.py) saves and stops.
//
// The requests are the shell's own script (sh -s), not lines it reads and evals: sh's `read` takes
// its input a byte at a time, which for a request of a kilobyte or two (the trial's environment) was
// half a millisecond a trial here; the parser reads its script a buffer at a time (bench/RESULTS.md).
const PRELUDE = '( read -r _ <&5; kill -KILL $$ ) 3>&- 4>&- >/dev/null </dev/null & exec 5<&-\n';

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
/** Signal numbers to names, the first name of a number winning (SIGABRT, not its alias SIGIOT). */
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>();
for (const [name, n] of Object.entries(os.signals)) if (!SIGNAL_NAMES.has(n)) SIGNAL_NAMES.set(n, name as NodeJS.Signals);

/** Whether this request can go through a launcher (otherwise the caller spawns it itself). */
export function launchable(req: Pick<LaunchRequest, 'argv' | 'cwd' | 'env'>): boolean {
  if (SETSID === undefined || process.platform !== 'linux') return false;
  // One request is one line of the launcher's input, and only shell names can be exported.
  const texts = [...req.argv, req.cwd, ...Object.values(req.env).filter((v): v is string => v !== undefined)];
  if (texts.some((t) => t.includes('\n') || t.includes('\0'))) return false;
  return Object.keys(req.env).every((k) => NAME.test(k));
}

/** The error spawn() would give for a program that cannot start (checked here: the shell only reports an exit code). */
function startError(argv0: string, cwd: string, env: NodeJS.ProcessEnv): NodeJS.ErrnoException | undefined {
  const candidates = argv0.includes('/') ? [isAbsolute(argv0) ? argv0 : resolve(cwd, argv0)] : (env.PATH ?? '').split(delimiter).map((d) => join(resolve(cwd, d || '.'), argv0));
  let found: string | undefined;
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
    } catch {
      continue;
    }
    found ??= c;
    try {
      accessSync(c, constants.X_OK);
      return undefined;
    } catch {
      // Not executable: a later directory of PATH may still have one that is.
    }
  }
  const code = found === undefined ? 'ENOENT' : 'EACCES';
  return Object.assign(new Error(`spawn ${argv0} ${code}`), { code, syscall: `spawn ${argv0}`, path: argv0 });
}

/**
 * Cuts one program's output out of a launcher pipe: everything before the end token. The token may
 * be split across chunks, so a tail as long as the token is held back until more comes.
 */
class Delimited {
  #held = Buffer.alloc(0);
  #onChunk: ((chunk: Buffer) => void) | undefined;
  #onEnd: (() => void) | undefined;
  constructor(private readonly token: Buffer) {}

  begin(onChunk: (chunk: Buffer) => void, onEnd: () => void): void {
    this.#onChunk = onChunk;
    this.#onEnd = onEnd;
  }

  push(chunk: Buffer): void {
    let data = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#held = Buffer.alloc(0);
    const at = data.indexOf(this.token);
    if (at >= 0) {
      if (at > 0) this.#onChunk?.(data.subarray(0, at));
      const end = this.#onEnd;
      this.#onChunk = this.#onEnd = undefined;
      end?.();
      // Nothing follows a token until the next program, whose output cannot arrive before it starts.
      data = data.subarray(at + this.token.length);
      if (data.length > 0) this.push(data);
      return;
    }
    const keep = Math.min(data.length, this.token.length - 1);
    if (data.length > keep) this.#onChunk?.(data.subarray(0, data.length - keep));
    this.#held = Buffer.from(data.subarray(data.length - keep));
  }
}

class Launcher {
  readonly #child: ChildProcess;
  readonly #env: NodeJS.ProcessEnv;
  readonly #token = `finesweep-end-${randomBytes(16).toString('hex')}\n`;
  readonly #out: Delimited;
  readonly #err: Delimited;
  #control = '';
  #onLine: ((line: string) => void) | undefined;
  dead = false;

  constructor() {
    this.#env = { ...process.env };
    // detached: a session of its own, so that a Ctrl-C at the terminal (SIGINT to the terminal's
    // foreground process group) reaches the controller, which stops the trials, and not the launcher,
    // whose death would end each running trial's supervision mid-stop.
    this.#child = spawn('/bin/sh', ['-s'], { env: this.#env, detached: true, stdio: ['pipe', 'pipe', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.#child.stdin!.write(PRELUDE);
    this.#out = new Delimited(Buffer.from(this.#token));
    this.#err = new Delimited(Buffer.from(this.#token));
    const [, stdout, , fd3, fd4] = this.#child.stdio;
    stdout!.on('data', (chunk: Buffer) => {
      const lines = (this.#control + chunk.toString('utf8')).split('\n');
      this.#control = lines.pop()!;
      for (const line of lines) this.#onLine?.(line);
    });
    fd3!.on('data', (chunk: Buffer) => this.#out.push(chunk));
    fd4!.on('data', (chunk: Buffer) => this.#err.push(chunk));
    this.#child.stdin!.on('error', () => undefined);
    this.#child.on('error', () => this.#die());
    this.#child.on('exit', () => this.#die());
    this.#idle(true);
  }

  #die(): void {
    this.dead = true;
    this.#onLine?.('died');
  }

  /** An idle launcher must not keep the controller alive; a busy one must. */
  #idle(idle: boolean): void {
    const handles: Array<{ ref(): unknown; unref(): unknown } | null> = [this.#child, ...(this.#child.stdio as Array<{ ref(): unknown; unref(): unknown } | null>)];
    for (const h of handles) {
      if (h === null || typeof h.unref !== 'function') continue;
      if (idle) h.unref();
      else h.ref();
    }
  }

  run(req: LaunchRequest, done: () => void): Launched {
    this.#idle(false);
    const unset = Object.keys(this.#env).filter((k) => req.env[k] === undefined && NAME.test(k));
    const set = Object.entries(req.env).filter((e): e is [string, string] => e[1] !== undefined && this.#env[e[0]] !== e[1]);
    const sub = [
      'exec </dev/null >&3 2>&4 3>&- 4>&-',
      `cd ${quote(req.cwd)} || exit 126`,
      ...(unset.length > 0 ? [`unset ${unset.join(' ')}`] : []),
      ...set.map(([k, v]) => `export ${k}=${quote(v)}`),
      `exec ${SETSID} ${req.argv.map(quote).join(' ')}`,
    ].join('; ');
    const token = quote(this.#token.slice(0, -1));
    const line = `( ${sub} ) & p=$!; echo "pid $p"; wait $p; s=$?; kill -9 -$p 2>/dev/null; printf '%s\\n' ${token} >&3; printf '%s\\n' ${token} >&4; echo "exit $s"\n`;
    let pidOf!: (pid: number) => void;
    let pidFailed!: (err: Error) => void;
    const pid = new Promise<number>((res, rej) => {
      pidOf = res;
      pidFailed = rej;
    });
    pid.catch(() => undefined);
    const outEnded = new Promise<void>((res) => this.#out.begin(req.onStdout, res));
    const errEnded = new Promise<void>((res) => this.#err.begin(req.onStderr, res));
    const exited = new Promise<LaunchExit>((res, rej) => {
      this.#onLine = (l) => {
        if (l === 'died') {
          const err = new Error('the program launcher (/bin/sh) ended');
          pidFailed(err);
          this.#onLine = undefined;
          return rej(err);
        }
        const [kind, n] = l.split(' ');
        if (kind === 'pid') pidOf(Number(n));
        if (kind !== 'exit') return;
        this.#onLine = undefined;
        const s = Number(n);
        // The shell reports a death by signal N as status 128 + N.
        const signal = s > 128 ? SIGNAL_NAMES.get(s - 128) : undefined;
        void Promise.all([outEnded, errEnded]).then(() => res(signal !== undefined ? { code: null, signal } : { code: s, signal: null }));
      };
    });
    exited.then(
      () => {
        this.#idle(true);
        done();
      },
      () => undefined,
    );
    this.#child.stdin!.write(line);
    return { pid, exited };
  }
}

const idle: Launcher[] = [];

/** Starts a program through an idle launcher (or a new one); throws as spawn() would for one that cannot start. */
export function launch(req: LaunchRequest): Launched {
  const err = startError(req.argv[0]!, req.cwd, req.env);
  if (err !== undefined) throw err;
  let launcher = idle.pop();
  while (launcher?.dead) launcher = idle.pop();
  launcher ??= new Launcher();
  const l = launcher;
  return l.run(req, () => {
    if (!l.dead) idle.push(l);
  });
}
