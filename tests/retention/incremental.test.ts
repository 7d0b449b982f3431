// The run loop's retention pass judges only what changed since the last pass (the trials touched,
// those holding files, the top keep_top_trials); it must decide exactly what a pass over every trial
// of the sweep, measured on disk, decides: the same removals, the same reasons (ranks included), in
// the same order. Real trial directories, a real feed of journal events.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRemovals } from '../../src/retention/apply.js';
import { policyOf, Retention } from '../../src/retention/sweep.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { EventFeed } from '../../src/store/feed.js';
import { bestEpoch } from '../../src/trial/objective.js';
import { tempDir } from '../engine/trial-fixture.js';

const policies = [
  { keep_top_trials: 2 },
  { keep: 'last' as const, keep_top_trials: 3, max_disk_mb: 0.02 },
  { keep: 'all' as const, keep_top_trials: 1 },
];

describe.each(policies)('Retention, incremental, with %o', (checkpoints) => {
  it('decides what a pass over every trial on disk decides, pass after pass', async () => {
    const dir = tempDir('finesweep-retention-incremental-');
    const spec = { objective: { metric: 'val_loss' }, resources: { checkpoints } };
    const feed = new EventFeed();
    let seq = 0;
    const add = (body: JournalEventBody) => feed.add({ seq: ++seq, time: new Date(1e12 + seq).toISOString(), ...body } as JournalEvent);
    const retention = new Retention(dir, spec);
    let cursor = 0;
    let judged = 0;
    // 30 trials, two running at once; trial i's loss is a fixed shuffle so that the ranking moves.
    const loss = (i: number) => ((i * 7) % 30) / 10;
    const start = (i: number) => {
      const id = `t${i}`;
      add({ type: 'trial_started', trial_id: id, index: i, params: { epochs: 1 }, slot: i % 2, attempt: 1, from_epoch: 0 });
      const trialDir = join(dir, 'trials', id);
      mkdirSync(join(trialDir, 'checkpoint'), { recursive: true });
      writeFileSync(join(trialDir, 'checkpoint', 'step-1.ckpt'), Buffer.alloc(3000));
      if (i % 5 !== 4) {
        mkdirSync(join(trialDir, 'weights'), { recursive: true });
        writeFileSync(join(trialDir, 'weights', 'best.fsw'), Buffer.alloc(1000));
      }
      // Some trials report a value that is not finite: ranked nowhere.
      add({ type: 'epoch_ended', trial_id: id, metrics: { epoch: 1, train_loss: 1, val_loss: i % 11 === 10 ? Number.NaN : loss(i) } });
    };
    start(0);
    for (let i = 0; i < 30; i++) {
      if (i + 1 < 30) start(i + 1);
      if (i % 9 === 8) add({ type: 'trial_failed', trial_id: `t${i}`, attempt: 1, error: 'boom', will_retry: false });
      else add({ type: 'trial_completed', trial_id: `t${i}`, seconds: 1 });
      const state = feed.state;
      const everyTrial = [...state.trials.values()].map((t) => ({
        id: t.id,
        status: t.status,
        best: bestEpoch(t.epochs, { metric: 'val_loss', goal: 'minimize' })?.value,
        dir: join(dir, 'trials', t.id),
      }));
      const expected = planRemovals(everyTrial, policyOf(spec), 'minimize');
      const touched = feed.touchedSince(cursor);
      cursor = touched.cursor;
      const removals = await retention.apply(state, touched.trials, async (body) => add(body));
      expect(removals).toEqual(expected);
      judged += removals.length;
    }
    expect(judged).toBeGreaterThan(5);
  });
});
