// An earlier attempt's program still running when its trial starts again. A kill -9 of the
// controller cannot take the programs with it: each runs in a process group of its own, and a
// cooperative one (finesweep.py) notices its parent is gone and saves. Resumed, the trial's next
// attempt would train beside it, both writing the same checkpoint directory. So each attempt records
// its program in the trial's directory (PROGRAM_FILE: host, pid — also its process group — and the
// pid's start time, so that a pid reused by another process is never taken for it), and the next
// attempt on that host stops that program the way a stop does before starting its own: the stop
// file (with stop_grace_s for a program that reads it), SIGTERM to the group, SIGKILL.
// On another host (a trial taken over on a shared disk) nothing can be checked or signalled.
// A controller killed in the moment between starting a program and recording it leaves a program
// no file names (a kill -9 fuzz of a step sweep met it in its first run), and a program may start
// processes of its own that leave its group: so when an earlier attempt got as far as making its
// metrics file, this host's processes are also searched by their environment, for the trial's
// FINESWEEP_TRIAL_DIR that every attempt's program and its children inherit.
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
  /** Its process group (the program's pid, when it was started by an earlier attempt). */
  pid: number;
  /** What ended it, as for a stop. */
  endedBy: EndedBy;
  afterS: number;
}

/**
 * Stops what an earlier attempt of the trial in `dir` left running on this host: the program its
 * PROGRAM_FILE records, and, given `trialDirEnv` (the FINESWEEP_TRIAL_DIR its programs were given),
 * every process whose environment holds it (their groups). Forgets the record. Resolves with what
 * was stopped, one entry a process group.
 */
export async function stopEarlierPrograms(dir: string, stopFile: string, graceS: number, trialDirEnv?: string): Promise<EarlierProgram[]> {
  // The common case, a first attempt: no record and nothing to search for.
  if (trialDirEnv === undefined && !existsSync(join(dir, PROGRAM_FILE))) return [];
  const groups = new Set<number>();
  const recorded = recordedGroup(dir);
  if (recorded !== undefined) groups.add(recorded);
  if (trialDirEnv !== undefined) for (const pgid of groupsWithEnvironment(`FINESWEEP_TRIAL_DIR=${trialDirEnv}`)) groups.add(pgid);
  forgetProgram(dir);
  if (groups.size === 0) return [];
  const t0 = performance.now();
  try {
    writeFileSync(stopFile, 'a new attempt of this trial is starting\n');
  } catch {
    // No trial directory to write in: the signals still reach it.
  }
  const listening = (): boolean => existsSync(listeningMarker(stopFile));
  return Promise.all([...groups].map(async (pgid) => ({ pid: pgid, endedBy: await stopGroup(pgid, graceS, listening), afterS: (performance.now() - t0) / 1000 })));
}

/** The process group PROGRAM_FILE records, if that program (or what is left of its group) still runs on this host. */
function recordedGroup(dir: string): number | undefined {
  let host: string | undefined, pidText: string | undefined, started: string | undefined;
  try {
    [host, pidText, started] = readFileSync(join(dir, PROGRAM_FILE), 'utf8').trim().split(' ');
  } catch {
    return undefined;
  }
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 1) return undefined;
  const now = startTime(pid);
  // Its first process is another one now (the pid was reused), or it and its group are gone.
  if ((now !== undefined && now !== started) || !groupAlive(pid)) return undefined;
  return pid;
}

/**
 * The process groups of this host's live processes whose environment holds the entry `name=value`
 * (other users' processes cannot be read, and are not ours to stop). Never this process's own group.
 */
function groupsWithEnvironment(nameValue: string): number[] {
  const entry = Buffer.from(`${nameValue}\0`);
  const own = statFields(process.pid)?.[2];
  const groups = new Set<number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    const at = environ.indexOf(entry);
    if (at < 0 || (at > 0 && environ[at - 1] !== 0)) continue;
    const f = statFields(pid);
    if (f === undefined || f[0] === 'Z' || f[0] === 'X' || f[2] === own) continue;
    const pgid = Number(f[2]);
    if (Number.isInteger(pgid) && pgid > 1) groups.add(pgid);
  }
  return [...groups];
}

/**
 * Stops one group as a stop does when its first process still runs (the stop file, already written,
 * for a program that listens; SIGTERM; SIGKILL), else SIGKILL to what is left: leftovers of a
 * group (workers it started) have nothing to save.
 */
async function stopGroup(pgid: number, graceS: number, listening: () => boolean): Promise<EndedBy> {
  if (startTime(pgid) !== undefined) {
    if (listening() && (await goneWithin(pgid, graceS))) return 'stop_file';
    signalGroup(pgid, 'SIGTERM');
    if (await goneWithin(pgid, graceS)) return 'SIGTERM';
  }
  signalGroup(pgid, 'SIGKILL');
  await goneWithin(pgid, 5);
  return 'SIGKILL';
}
