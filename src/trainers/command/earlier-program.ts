// An earlier attempt's program still running when its trial starts again. A kill -9 of the
// controller cannot take the programs with it: each runs in a process group of its own, and a
// cooperative one (finesweep.py) notices its parent is gone and saves. Resumed, the trial's next
// attempt would train beside it, both writing the same checkpoint directory. So each attempt records
// its program in the trial's directory (PROGRAM_FILE: host, pid — also its process group — and the
// pid's start time, so that a pid reused by another process is never taken for it), and the next
// attempt on that host stops that program the way a stop does before starting its own: the stop
// file (with stop_grace_s for a program that reads it), SIGTERM to the group, SIGKILL.
// On another host (a trial taken over on a shared disk) nothing can be checked or signalled.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EndedBy } from './port.js';
import { listeningMarker } from './program.js';

export const PROGRAM_FILE = 'program.pid';

/** /proc/<pid>/stat's fields from the third on (state, ppid, pgrp, ...), or undefined when it is gone. */
function statFields(pid: number | string): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A process's start time (clock ticks since boot, field 22), or undefined when it is gone. */
function startTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/**
 * Whether any process of group `pgid` is still running. Read from /proc rather than asked with
 * kill(-pgid, 0), which also counts zombies: an exited program whose parent has not reaped it yet
 * is gone for what matters here, its files.
 */
function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  for (const pid of pids) {
    const f = statFields(pid);
    if (f !== undefined && f[2] === String(pgid) && f[0] !== 'Z' && f[0] !== 'X') return true;
  }
  return false;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // Gone already.
  }
}

/** Polls until the group has no process left, or `seconds` pass; whether it is gone. */
async function goneWithin(pgid: number, seconds: number): Promise<boolean> {
  const until = performance.now() + seconds * 1000;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (performance.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Records the attempt's program (called once its pid is known). Synchronous: microseconds. */
export function recordProgram(dir: string, pid: number): void {
  const started = startTime(pid);
  if (started === undefined) return; // Already gone: nothing can be left behind.
  try {
    writeFileSync(join(dir, PROGRAM_FILE), `${hostname()} ${pid} ${started}\n`);
  } catch {
    // The trial directory is gone (removed under a running trial): nothing to record it in.
  }
}

/** Forgets the attempt's program once it has exited and its group is gone. */
export function forgetProgram(dir: string): void {
  rmSync(join(dir, PROGRAM_FILE), { force: true });
}

export interface EarlierProgram {
  pid: number;
  /** What ended it, as for a stop. */
  endedBy: EndedBy;
  afterS: number;
}

/**
 * Stops the program an earlier attempt of the trial in `dir` left running on this host, if any,
 * and forgets it. Resolves with what was stopped, or undefined when nothing was running.
 */
export async function stopEarlierProgram(dir: string, stopFile: string, graceS: number): Promise<EarlierProgram | undefined> {
  const file = join(dir, PROGRAM_FILE);
  if (!existsSync(file)) return undefined;
  let host: string | undefined, pidText: string | undefined, started: string | undefined;
  try {
    [host, pidText, started] = readFileSync(file, 'utf8').trim().split(' ');
  } catch {
    return undefined;
  }
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 1) return undefined;
  const now = startTime(pid);
  // Its first process is another one now (the pid was reused), or it and its group are gone.
  if ((now !== undefined && now !== started) || !groupAlive(pid)) {
    forgetProgram(dir);
    return undefined;
  }
  const t0 = performance.now();
  const afterS = (): number => (performance.now() - t0) / 1000;
  let endedBy: EndedBy = 'SIGKILL';
  // Its first process still runs: stop it as a stop does. Otherwise only leftovers of its group
  // (workers it started) remain, with nothing to save: SIGKILL.
  if (now !== undefined) {
    try {
      writeFileSync(stopFile, 'a new attempt of this trial is starting\n');
    } catch {
      // No trial directory to write in: the signals still reach it.
    }
    if (existsSync(listeningMarker(stopFile)) && (await goneWithin(pid, graceS))) endedBy = 'stop_file';
    else {
      signalGroup(pid, 'SIGTERM');
      if (await goneWithin(pid, graceS)) endedBy = 'SIGTERM';
    }
  }
  if (endedBy === 'SIGKILL') {
    signalGroup(pid, 'SIGKILL');
    await goneWithin(pid, 5);
  }
  forgetProgram(dir);
  return { pid, endedBy, afterS: afterS() };
}
