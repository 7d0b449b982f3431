// The PyTorch example swept through the compiled CLI (`npm run build` first) by the command
// trainer: a smaller copy of sweeps/spam-pytorch.json, SIGKILLed mid-trial and resumed. Every trial
// completes exactly once, and a trial the kill cut short continues from its own checkpoint (the
// script's "resumed at epoch N" line in the trial's output.log), not from scratch. Real training in
// Debian's /usr/bin/python3 with python3-torch.
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTorch } from '../examples/python.js';
import { finesweep, journal, journalUntil, ofType, run, workspace } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Processes whose working directory is `dir`: the sweep's programs (the spec's cwd). */
function programsIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir && !readFileSync(`/proc/${entry}/stat`, 'utf8').includes(') Z ')) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

describe('sweeps/spam-pytorch.json through the CLI', () => {
  it('kill -9 mid-trial, resume: each trial completes once and the cut-short trial continues from its checkpoint', { timeout: 600_000 }, async () => {
    requireTorch();
    const dir = workspace();
    // The shipped spec, smaller: 160 examples (128 train / 32 validation), 3 epochs, the script by
    // its absolute path and the workspace as its working directory.
    const shipped = JSON.parse(readFileSync(join(ROOT, 'sweeps/spam-pytorch.json'), 'utf8')) as { task: { command: string[] }; parameters: object };
    const command = shipped.task.command.map((a) => (a === 'examples/pytorch/train.py' ? join(ROOT, a) : a));
    expect(command).toContain(join(ROOT, 'examples/pytorch/train.py'));
    const spec = {
      ...shipped,
      $schema: join(ROOT, 'schema/sweep.schema.json'),
      name: 'pytorch-kill',
      task: { ...shipped.task, command: [...command, '--max-examples', '160'], cwd: '.' },
      parameters: { ...shipped.parameters, epochs: { value: 3 } },
    };
    writeFileSync(join(dir, 'pytorch-kill.json'), JSON.stringify(spec, null, 2));
    const sweepDir = join(dir, 'results', 'pytorch-kill');

    const cli = finesweep(['run', 'pytorch-kill.json'], dir);
    // Every trial has 3 epochs: at the first epoch_ended, that trial is mid-run with an epoch checkpointed.
    await journalUntil(sweepDir, cli, (e) => ofType(e, 'epoch_ended').length >= 1);
    cli.child.kill('SIGKILL');
    expect((await cli.done).signal).toBe('SIGKILL');
    // The programs run in their own process groups, so the kill does not reach them: they notice
    // that their parent died and stop at their next batch.
    while (programsIn(dir).length > 0) await new Promise((r) => setTimeout(r, 100));

    const before = journal(sweepDir);
    const finished = new Set(ofType(before, 'trial_completed').map((e) => e.trial_id));
    const epochsDone = new Map<string, number>();
    for (const e of ofType(before, 'epoch_ended')) if (!finished.has(e.trial_id)) epochsDone.set(e.trial_id, (epochsDone.get(e.trial_id) ?? 0) + 1);
    expect(epochsDone.size).toBeGreaterThan(0);

    const resumed = await run(['resume', sweepDir], dir);
    expect(resumed.stderr).not.toMatch(/Traceback/);
    expect(resumed.code).toBe(0);
    const events = journal(sweepDir);
    const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed).toHaveLength(4);
    expect(new Set(completed).size).toBe(4);
    for (const id of completed) expect(ofType(events, 'epoch_ended').filter((e) => e.trial_id === id).map((e) => e.metrics.epoch)).toEqual([1, 2, 3]);

    const again = ofType(events.slice(before.length), 'trial_started');
    for (const [id, done] of epochsDone) {
      const start = again.find((e) => e.trial_id === id);
      expect(start?.from_epoch).toBe(done);
      // What the journal says it resumed from is what the program really restored.
      const log = join(sweepDir, 'trials', id, 'output.log');
      expect(existsSync(log)).toBe(true);
      // (One epoch ahead where the kill fell between the checkpoint and finesweep reading the
      // epoch's line: the script then re-reports that epoch.)
      const at = Number(/resumed at epoch (\d+) from /.exec(readFileSync(log, 'utf8'))?.[1]);
      expect([done, done + 1]).toContain(at);
    }
  });
});
