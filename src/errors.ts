// Typed errors, each with the exit code the CLI maps it to. Only the CLI calls process.exit.

/** Exit codes (documented in the README, "Commands and exit codes", and docs/running.md). */
export const EXIT = { ok: 0, failure: 1, badInput: 2, interrupted: 130, terminated: 143 } as const;

export class FinesweepError extends Error {
  readonly exitCode: number = EXIT.failure;
}

/** Bad input: a spec, data file, model path or CLI flag. The message names the file/field. */
export class InputError extends FinesweepError {
  override name = 'InputError';
  override readonly exitCode: number = EXIT.badInput;
  /** One line per problem. */
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.problems = list;
  }
}

/** A trial ran out of memory (an allocator's error, or the kernel's OOM killer): retried smaller (sweep/oom.ts). */
export class OutOfMemoryError extends FinesweepError {
  override name = 'OutOfMemoryError';
}

/** A failure of the sweep itself (store unwritable, lock held, ...). */
export class SweepError extends FinesweepError {
  override name = 'SweepError';
}

/** The sweep was interrupted by a signal after recording its state. */
export class InterruptedError extends FinesweepError {
  override name = 'InterruptedError';
  override readonly exitCode: number;
  constructor(message: string, signal: 'SIGINT' | 'SIGTERM') {
    super(message);
    this.exitCode = signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  }
}
