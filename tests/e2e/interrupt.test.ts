// Interrupting real fine-tunes through the compiled CLI (`npm run build` first) and resuming them:
// Ctrl-C (SIGINT), SIGTERM, kill -9. Each test waits on journal events, never on a fixed sleep.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/store/events.js';
import { finesweep, journal, journalUntil, ofType, run, STACK, workspace, writeSweep } from './helpers.js';

/** Every trial of the plan completed exactly once over the whole journal. */
function completedOnce(events: JournalEvent[], trials: number): void {
  const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
  expect(completed).toHaveLength(trials);
  expect(new Set(completed).size).toBe(trials);
  expect(ofType(events, 'sweep_completed')).toHaveLength(1);
}

describe('interrupt and resume through the CLI', () => {
  it('Ctrl-C records trial_stopped and exits 130 saying how to resume; resume completes every trial once', async () => {
    const dir = workspace();
    writeSweep(dir, { name: 'ctrlc', learning_rate: [1e-3, 3e-3], epochs: [2] });
    const sweepDir = join(dir, 'results', 'ctrlc');
    const cli = finesweep(['run', 'ctrlc.json'], dir);
    await journalUntil(sweepDir, cli, (e) => ofType(e, 'epoch_ended').length >= 1);
    cli.child.kill('SIGINT');
    const out = await cli.done;
    expect(out.code).toBe(130);
    expect(out.stderr).toContain('SIGINT: stopping; running trials checkpoint at their next batch');
    expect(out.stderr).toContain(`interrupted; resume with: finesweep resume ${sweepDir}`);
    expect(out.stderr).not.toMatch(STACK);
    const before = journal(sweepDir);
    const stopped = ofType(before, 'trial_stopped').map((e) => e.trial_id);
    const finished = ofType(before, 'trial_completed').map((e) => e.trial_id);
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.length + finished.length).toBe(2);

    const resumed = await run(['resume', sweepDir], dir);
    expect(resumed.stderr).toContain('resuming sweep ctrlc');
    expect(resumed.code).toBe(0);
    const events = journal(sweepDir);
    completedOnce(events, 2);
    // Only the stopped trials ran again, each from the epochs it had checkpointed.
    const again = ofType(events.slice(before.length), 'trial_started');
    expect(again.map((e) => e.trial_id).sort()).toEqual([...stopped].sort());
    for (const start of again) {
      const done = ofType(before, 'epoch_ended').filter((e) => e.trial_id === start.trial_id).length;
      expect(start.from_epoch).toBe(done);
      // The stop wrote a checkpoint inside the epoch: the engine restored it, not a fresh start.
      expect(readFileSync(join(sweepDir, 'trials', start.trial_id, 'log.txt'), 'utf8')).toContain(`resumed from the checkpoint of epoch ${done}`);
    }
    expect(resumed.stdout).toMatch(/2 trials: 2 completed · sweep finished/);
  });

  it('Ctrl-C at a terminal (SIGINT to the whole foreground group) stops command trials through the controller, not by killing their launchers', async () => {
    const dir = workspace();
    // Five one-second epochs: a trial is mid-run at the first evaluation.
    const program = 'for i in 1 2 3 4 5; do sleep 1; echo "{\\"epoch\\": $i, \\"val_loss\\": 0.5}" >> "$FINESWEEP_METRICS"; done';
    writeFileSync(join(dir, 'group.json'), JSON.stringify({ name: 'group', task: { type: 'command', command: ['/bin/sh', '-c', program] }, parameters: { lr: { values: [1, 2] }, epochs: { value: 5 } }, resources: { gpus: 0, workers: 2 } }));
    const sweepDir = join(dir, 'results', 'group');
    const cli = finesweep(['run', 'group.json'], dir, { group: true });
    await journalUntil(sweepDir, cli, (e) => ofType(e, 'epoch_ended').length >= 1);
    process.kill(-cli.child.pid!, 'SIGINT');
    const out = await cli.done;
    expect(out.code).toBe(130);
    const stopped = ofType(journal(sweepDir), 'trial_stopped');
    expect(stopped).toHaveLength(2);
    for (const e of stopped) {
      // Before the launchers had a session of their own, the SIGINT killed them too: "(the program launcher (/bin/sh) ended)".
      expect(e.reason).toBe('interrupted (it exited 0.0 s after SIGTERM)');
      expect(e.ended_by).toBe('SIGTERM');
    }
  });

  it('kill -9 mid-trial: resume continues the trial from its checkpoint and completes every trial once', async () => {
    const dir = workspace();
    writeSweep(dir, { name: 'killed', learning_rate: [1e-3, 3e-3], epochs: [2] });
    const sweepDir = join(dir, 'results', 'killed');
    const cli = finesweep(['run', 'killed.json'], dir);
    // Both trials have 2 epochs: at the first epoch_ended, that trial is mid-run with an epoch checkpointed.
    await journalUntil(sweepDir, cli, (e) => ofType(e, 'epoch_ended').length >= 1);
    cli.child.kill('SIGKILL');
    expect((await cli.done).signal).toBe('SIGKILL');
    const before = journal(sweepDir);
    expect(ofType(before, 'trial_stopped')).toHaveLength(0);
    const finished = new Set(ofType(before, 'trial_completed').map((e) => e.trial_id));
    const epochsDone = new Map<string, number>();
    for (const e of ofType(before, 'epoch_ended')) if (!finished.has(e.trial_id)) epochsDone.set(e.trial_id, (epochsDone.get(e.trial_id) ?? 0) + 1);
    expect(epochsDone.size).toBeGreaterThan(0);

    const resumed = await run(['resume', sweepDir], dir);
    expect(resumed.code).toBe(0);
    const events = journal(sweepDir);
    completedOnce(events, 2);
    const again = ofType(events.slice(before.length), 'trial_started');
    for (const [id, done] of epochsDone) {
      const start = again.find((e) => e.trial_id === id);
      expect(start?.from_epoch).toBe(done);
      expect(done).toBeGreaterThanOrEqual(1);
      // The journal's from_epoch is what it had recorded; the trial's log says what the engine
      // really restored. They agree only if a journaled epoch always had its checkpoint on disk.
      expect(readFileSync(join(sweepDir, 'trials', id, 'log.txt'), 'utf8')).toContain(`resumed from the checkpoint of epoch ${done}`);
    }
    // A trial that had finished before the kill is not trained again.
    for (const id of finished) expect(again.map((e) => e.trial_id)).not.toContain(id);
  });

  it('a stop request is seen within the epoch: the trial stops after batch k of N, k < N', async () => {
    // batch_size 4 on ~470 training examples: ~117 batches in an epoch, so a stop that waited for
    // the epoch's end would show as a finished epoch (or a completed trial), not a batch inside it.
    const dir = workspace(10);
    writeSweep(dir, { name: 'midepoch', learning_rate: [1e-3], batch_size: [4], epochs: [2], workers: 1 });
    const sweepDir = join(dir, 'results', 'midepoch');
    const cli = finesweep(['run', 'midepoch.json'], dir);
    // data_report: the trial loaded its data and model, and is about to train.
    await journalUntil(sweepDir, cli, (e) => ofType(e, 'data_report').length === 1);
    cli.child.kill('SIGINT');
    expect((await cli.done).code).toBe(130);
    const events = journal(sweepDir);
    expect(ofType(events, 'epoch_ended')).toHaveLength(0);
    expect(ofType(events, 'trial_completed')).toHaveLength(0);
    const [stopped] = ofType(events, 'trial_stopped');
    const m = /stopped in epoch 1 after batch (\d+) of (\d+)/.exec(stopped?.reason ?? '');
    expect(m, `trial_stopped reason: ${stopped?.reason}`).not.toBeNull();
    const [k, n] = [Number(m![1]), Number(m![2])];
    expect(n).toBeGreaterThan(100);
    expect(k).toBeLessThan(n);
  });

  it('SIGTERM records the stop and exits 143', async () => {
    const dir = workspace();
    writeSweep(dir, { name: 'term', learning_rate: [1e-3], epochs: [1], workers: 1 });
    const sweepDir = join(dir, 'results', 'term');
    const cli = finesweep(['run', 'term.json'], dir);
    await journalUntil(sweepDir, cli, (e) => ofType(e, 'trial_started').length === 1);
    cli.child.kill('SIGTERM');
    const out = await cli.done;
    expect(out.code).toBe(143);
    expect(out.stderr).toContain(`interrupted; resume with: finesweep resume ${sweepDir}`);
    expect(out.stderr).not.toMatch(STACK);
    expect(ofType(journal(sweepDir), 'trial_stopped')).toHaveLength(1);
  });
});
