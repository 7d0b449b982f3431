// Helpers of the end-to-end tests: the compiled CLI as a spawned process (`npm run build` first),
// a temporary workspace holding a slice of the shipped spam data and a spec that fine-tunes the
// shipped base model, and waits on the journal (polled as it grows, never a fixed sleep).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { JournalEvent } from '../../src/store/events.js';
import { journal } from '../sweep/sweep-helpers.js';

export { journal, ofType } from '../sweep/sweep-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/finesweep.js');
const MODEL = join(ROOT, 'models/base');
const SPAM = join(ROOT, 'sweeps/data/spam.jsonl');

/** A stack trace's frame line: bad input must never show one. */
export const STACK = /\n\s+at /;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Cli {
  child: ChildProcess;
  done: Promise<Exit>;
}

/** `finesweep <args>` in `cwd`, as a user's shell starts it (stdout and stderr are pipes, not a TTY). */
/** `group`: the CLI leads a process group of its own, as a terminal's foreground job does (Ctrl-C signals the whole group). */
export function finesweep(args: string[], cwd: string, opts: { group?: boolean } = {}): Cli {
  // A missing build would read as every command failing; say what is wrong instead.
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('the CLI is not built: run `npm run build` (npm test does) first');
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' }, detached: opts.group === true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Exit>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Run a command to its end. */
export function run(args: string[], cwd: string): Promise<Exit> {
  return finesweep(args, cwd).done;
}

/** Resolve once the sweep's journal satisfies `ready` (checked as it grows); reject if the CLI exits first. */
export async function journalUntil(sweepDir: string, cli: Cli, ready: (events: JournalEvent[]) => boolean): Promise<JournalEvent[]> {
  let exited = false;
  void cli.done.then(() => (exited = true));
  for (;;) {
    const events = journal(sweepDir);
    if (ready(events)) return events;
    if (exited) throw new Error(`the CLI exited before the journal was ready: ${(await cli.done).stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface SweepSpec {
  name: string;
  learning_rate?: number[];
  batch_size?: number[];
  epochs?: number[];
  workers?: number;
  /** Examples taken from the shipped spam set: every `stride`-th line, so both labels appear. */
  stride?: number;
}

/** A temporary directory with a slice of sweeps/data/spam.jsonl as `spam.jsonl`. */
export function workspace(stride = 20): string {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-e2e-'));
  const lines = readFileSync(SPAM, 'utf8').split('\n').filter((l) => l.trim());
  writeFileSync(join(dir, 'spam.jsonl'), lines.filter((_, i) => (i + 1) % stride === 0).join('\n') + '\n');
  return dir;
}

/**
 * A grid spec `<name>.json` in `dir` fine-tuning the shipped base model (by a path relative to the
 * spec, as a user writes it) on `spam.jsonl`: 32 tokens per example and no forgetting probe keep
 * each trial to seconds. Returns the spec object as written.
 */
export function writeSweep(dir: string, s: SweepSpec): Record<string, unknown> {
  const spec = {
    $schema: relative(dir, join(ROOT, 'schema/sweep.schema.json')),
    name: s.name,
    seed: 5,
    task: {
      type: 'classification',
      model: relative(dir, MODEL),
      data: { train: 'spam.jsonl', split: 0.2, max_length: 32 },
      forgetting: false,
    },
    parameters: {
      learning_rate: { values: s.learning_rate ?? [1e-3, 3e-3] },
      batch_size: { values: s.batch_size ?? [16] },
      epochs: { values: s.epochs ?? [1] },
    },
    objective: { metric: 'val_accuracy', goal: 'maximize' },
    resources: { gpus: 0, workers: s.workers ?? 2 },
  };
  writeFileSync(join(dir, `${s.name}.json`), JSON.stringify(spec, null, 2) + '\n');
  return spec;
}

/** Every file under `dir` with a hash of its bytes: equal snapshots mean nothing on disk changed. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}
