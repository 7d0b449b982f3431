// The CLI as users run it (compiled: `npm run build` first): kill -9, Ctrl-C, SIGTERM, two
// controllers. Each test waits on journal events, never on a fixed sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/store/events.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType, writeSpec } from './sweep-helpers.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');
/** A synthetic trainer as the compiled CLI loads it (bench/trainers/, built into dist/). */
const built = (kind: string): string => resolve(import.meta.dirname, `../../dist/bench/trainers/${kind}.js`);

interface Cli {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function cli(args: string[], cwd: string): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Resolve once the journal satisfies `ready` (checked as it grows), or reject if the CLI exits first. */
async function journalUntil(sweepDir: string, run: Cli, ready: (events: JournalEvent[]) => boolean): Promise<void> {
  let exited = false;
  void run.done.then(() => (exited = true));
  for (;;) {
    if (ready(journal(sweepDir))) return;
    if (exited) throw new Error(`the CLI exited before the journal was ready: ${(await run.done).stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const epochsEnded = (n: number) => (events: JournalEvent[]) => ofType(events, 'epoch_ended').length >= n;

describe('finesweep run / resume (compiled CLI, real processes)', () => {
  it('a sweep killed with SIGKILL mid-epoch resumes, and every trial completes exactly once', async () => {
    const dir = tempDir('finesweep-cli-');
    const gate = join(dir, 'gate');
    writeSpec(dir, { name: 'killed', epochs: 3, extra: { gate_file: { value: gate } } });
    const sweepDir = join(dir, 'results', 'killed');
    const run = cli(['run', 'killed.json', '--trainer', built('noop')], dir);
    // Two trials finished epoch 1 and wait at the gate mid-sweep: kill -9 the controller.
    await journalUntil(sweepDir, run, epochsEnded(2));
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    const before = journal(sweepDir);
    expect(ofType(before, 'trial_completed')).toHaveLength(0);
    const running = ofType(before, 'trial_started').map((e) => e.trial_id);

    writeFileSync(gate, '');
    const resumed = await cli(['resume', sweepDir, '--trainer', built('noop')], dir).done;
    expect(resumed.stderr).toContain('resuming sweep killed');
    expect(resumed.code).toBe(0);
    const events = journal(sweepDir);
    const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed).toHaveLength(6);
    expect(new Set(completed).size).toBe(6);
    // The trials that were running continued from their checkpoint (epoch 1), not from scratch.
    const continued = ofType(events, 'trial_started').filter((e) => e.seq > before.at(-1)!.seq && running.includes(e.trial_id));
    expect(continued.map((e) => e.from_epoch)).toEqual(running.map(() => 1));
    expect(resumed.stdout).toMatch(/6 completed/);
  });

  it('Ctrl-C stops running trials, records trial_stopped, exits 130 saying how to resume; resume completes', async () => {
    const dir = tempDir('finesweep-cli-');
    const gate = join(dir, 'gate');
    writeSpec(dir, { name: 'ctrlc', epochs: 2, extra: { gate_file: { value: gate } } });
    const sweepDir = join(dir, 'results', 'ctrlc');
    const run = cli(['run', 'ctrlc.json', '--trainer', built('noop')], dir);
    await journalUntil(sweepDir, run, epochsEnded(2));
    run.child.kill('SIGINT');
    const out = await run.done;
    expect(out.code).toBe(130);
    expect(out.stderr).toContain(`interrupted; resume with: finesweep resume ${sweepDir}`);
    expect(ofType(journal(sweepDir), 'trial_stopped')).toHaveLength(2);

    writeFileSync(gate, '');
    const resumed = await cli(['resume', sweepDir, '--trainer', built('noop')], dir).done;
    expect(resumed.code).toBe(0);
    expect(ofType(journal(sweepDir), 'trial_completed')).toHaveLength(6);
  });

  it('SIGTERM exits 143 after recording the stop', async () => {
    const dir = tempDir('finesweep-cli-');
    writeSpec(dir, { name: 'term', learningRates: [1e-3] });
    const sweepDir = join(dir, 'results', 'term');
    const run = cli(['run', 'term.json', '--trainer', built('hang')], dir);
    await journalUntil(sweepDir, run, (e) => ofType(e, 'trial_started').length === 2);
    run.child.kill('SIGTERM');
    const out = await run.done;
    expect(out.code).toBe(143);
    expect(ofType(journal(sweepDir), 'trial_stopped')).toHaveLength(2);
  });

  it('a second Ctrl-C exits at once; resume still completes the sweep', async () => {
    const dir = tempDir('finesweep-cli-');
    writeSpec(dir, { name: 'twice', learningRates: [1e-3], extra: { ignore_stop: { value: true } } });
    const sweepDir = join(dir, 'results', 'twice');
    const run = cli(['run', 'twice.json', '--trainer', built('hang')], dir);
    await journalUntil(sweepDir, run, (e) => ofType(e, 'trial_started').length === 2);
    run.child.kill('SIGINT');
    // The first Ctrl-C is acknowledged; the trials ignore the stop, so only a second one ends the run.
    await new Promise<void>((res) => run.child.stderr!.on('data', (d: Buffer) => String(d).includes('SIGINT: stopping') && res()));
    run.child.kill('SIGINT');
    const out = await run.done;
    expect(out.code).toBe(130);
    expect(ofType(journal(sweepDir), 'trial_stopped')).toHaveLength(0);
    const resumed = await cli(['resume', sweepDir, '--trainer', built('noop')], dir).done;
    expect(resumed.code).toBe(0);
    expect(ofType(journal(sweepDir), 'trial_completed')).toHaveLength(2);
  });

  it('refuses a second controller on the same sweep directory, naming the holder', async () => {
    const dir = tempDir('finesweep-cli-');
    writeSpec(dir, { name: 'two', learningRates: [1e-3] });
    const sweepDir = join(dir, 'results', 'two');
    const first = cli(['run', 'two.json', '--trainer', built('hang')], dir);
    await journalUntil(sweepDir, first, (e) => ofType(e, 'trial_started').length === 2);
    const second = await cli(['resume', sweepDir, '--trainer', built('noop')], dir).done;
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(String(first.child.pid));
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(130);
  });

  it('refuses bad input with exit 2 and one line', async () => {
    const dir = tempDir('finesweep-cli-');
    const missing = await cli(['run', 'nope.json'], dir).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const notSweep = await cli(['resume', join(dir, 'nothing')], dir).done;
    expect(notSweep.code).toBe(2);
    expect(notSweep.stderr).toMatch(/not a sweep directory/);
    const badFlag = await cli(['run', 'x.json', '--workers', 'zero'], dir).done;
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--workers: expected a whole number/);
  });

  it('a full disk (a 2 KiB file-size limit) is a clear error; the journal stays readable and resume completes', async () => {
    const dir = tempDir('finesweep-cli-');
    writeSpec(dir, { name: 'full' });
    const sweepDir = join(dir, 'results', 'full');
    const limited = spawn('bash', ['-c', `ulimit -f 2; exec "${process.execPath}" "${CLI}" run full.json --trainer "${built('noop')}"`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    limited.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((res) => limited.on('close', (c) => res(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/finesweep: cannot append to journal .*journal\.jsonl: EFBIG/);
    const partial = journal(sweepDir);
    expect(partial.length).toBeGreaterThan(0);
    expect(ofType(partial, 'sweep_completed')).toHaveLength(0);
    const resumed = await cli(['resume', sweepDir, '--trainer', built('noop')], dir).done;
    expect(resumed.code).toBe(0);
    const completed = ofType(journal(sweepDir), 'trial_completed').map((e) => e.trial_id);
    expect(completed).toHaveLength(6);
    expect(new Set(completed).size).toBe(6);
  });
});
