// Wait for a marker file that a child process writes when it reaches a state (never a fixed sleep).
import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export async function waitForFile(path: string, child?: ChildProcess, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!existsSync(path)) {
    if (child && child.exitCode !== null) throw new Error(`child exited (${child.exitCode}) before writing ${path}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Poll a condition (a state another process reaches) until it holds; fail after `limitMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Poll until `f` gives a value (a state another process reaches) and return it; fail after `limitMs`. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
