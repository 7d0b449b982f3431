// The retention pass on a real sweep directory and journal: each removal journaled before the files
// go, the leaderboard saying what is kept, and export refusing a trial whose weights were removed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/export.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { applyRetention } from '../../src/retention/sweep.js';
import { validateSpec } from '../../src/spec/load.js';
import { foldTrials } from '../../src/store/fold.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { tempDir } from '../engine/trial-fixture.js';
import { validSpec } from '../spec/fixtures.js';

describe('applyRetention', () => {
  it('journals then removes; the leaderboard and export see what is gone', async () => {
    const dir = join(tempDir('finesweep-retention-sweep-'), 'sweep');
    const store = await JournalStore.open(dir, { create: true });
    const raw = validSpec();
    raw.objective = { metric: 'val_accuracy' };
    raw.resources = { checkpoints: { keep_top_trials: 1 } };
    const spec = validateSpec(raw, 'spec.json');
    await store.writeSpec(spec, 'hash');
    const training = { method: 'full', trainableParameters: 10, totalParameters: 20, checkpointBytes: 120, weightsBytes: 40, batchSize: 16 };
    const report = { train: { file: 'a', count: 1, emptyTexts: 0, duplicates: 0, truncated: 0 }, validation: { file: 'a', count: 1, emptyTexts: 0, duplicates: 0, truncated: 0 }, leakage: { count: 0, examples: [] }, warnings: [], training };
    for (const [i, [id, acc]] of ([['t0', 0.7], ['t1', 0.9], ['t2', 0.8]] as const).entries()) {
      await store.append({ type: 'trial_started', trial_id: id, index: i, params: { learning_rate: 1e-3, batch_size: 16, epochs: 1 }, slot: 0, attempt: 1, from_epoch: 0 });
      await store.append({ type: 'data_report', trial_id: id, report: report as never, backend: 'cpu' });
      await store.append({ type: 'epoch_ended', trial_id: id, metrics: { epoch: 1, train_loss: 0.5, val_loss: 0.5, val_accuracy: acc, seconds: 1 } });
      if (id !== 't2') await store.append({ type: 'trial_completed', trial_id: id, seconds: 1 });
      const trialDir = store.trialDir(id);
      mkdirSync(join(trialDir, 'checkpoint'), { recursive: true });
      mkdirSync(join(trialDir, 'weights'), { recursive: true });
      writeFileSync(join(trialDir, 'checkpoint', 'step-1.ckpt'), Buffer.alloc(120));
      writeFileSync(join(trialDir, 'weights', 'best.fsw'), Buffer.alloc(40));
    }
    const removals = await applyRetention(dir, foldTrials(await store.events()), spec, (e) => store.append(e));
    expect(removals.map((r) => `${r.trial_id}:${r.what}`).sort()).toEqual(['t0:checkpoint', 't0:weights', 't1:checkpoint']);
    const events = await store.events();
    const removed = events.filter((e) => e.type === 'trial_files_removed');
    expect(removed).toHaveLength(3);
    expect(existsSync(join(dir, 'trials', 't0', 'weights'))).toBe(false);
    expect(existsSync(join(dir, 'trials', 't1', 'weights', 'best.fsw'))).toBe(true);
    // t2 is still running: it keeps its checkpoint.
    expect(existsSync(join(dir, 'trials', 't2', 'checkpoint', 'step-1.ckpt'))).toBe(true);
    const lb = buildLeaderboard({ spec, state: foldTrials(events), planned: [] });
    const row = (id: string) => lb.rows.find((r) => r.id === id)!;
    expect(row('t0').kept).toEqual({});
    expect(row('t1').kept).toEqual({ weights: 'trials/t1/weights/' });
    expect(row('t1').trainableParameters).toBe(10);
    await store.close();
    await expect(exportCommand(dir, { trial: 't0', out: join(dir, '..', 'out') })).rejects.toThrow(
      /^trial t0: its best-epoch weights were not kept: the retention policy removed them \(ranks 3, outside keep_top_trials 1\)/,
    );
  });

  it('ranks trials that have no directory (they wrote no file) without touching the disk for them, and does nothing while no finished trial has one', async () => {
    const dir = join(tempDir('finesweep-retention-sweep-'), 'sweep');
    const store = await JournalStore.open(dir, { create: true });
    const raw = validSpec();
    raw.objective = { metric: 'val_accuracy' };
    raw.resources = { checkpoints: { keep_top_trials: 1 } };
    const spec = validateSpec(raw, 'spec.json');
    for (const [i, [id, acc]] of ([['t0', 0.9], ['t1', 0.8]] as const).entries()) {
      await store.append({ type: 'trial_started', trial_id: id, index: i, params: { learning_rate: 1e-3, batch_size: 16, epochs: 1 }, slot: 0, attempt: 1, from_epoch: 0 });
      await store.append({ type: 'epoch_ended', trial_id: id, metrics: { epoch: 1, train_loss: 0.5, val_loss: 0.5, val_accuracy: acc, seconds: 1 } });
    }
    // t1 (still running) has files; t0 finished without a directory: nothing to remove yet.
    mkdirSync(join(dir, 'trials', 't1', 'weights'), { recursive: true });
    writeFileSync(join(dir, 'trials', 't1', 'weights', 'best.fsw'), Buffer.alloc(40));
    await store.append({ type: 'trial_completed', trial_id: 't0', seconds: 1 });
    expect(await applyRetention(dir, foldTrials(await store.events()), spec, (e) => store.append(e))).toEqual([]);
    expect(existsSync(join(dir, 'trials', 't0'))).toBe(false);
    // t1 finishes second best: t0, without files, still holds the one place kept_top_trials gives.
    await store.append({ type: 'trial_completed', trial_id: 't1', seconds: 1 });
    const removals = await applyRetention(dir, foldTrials(await store.events()), spec, (e) => store.append(e));
    expect(removals.map((r) => `${r.trial_id}:${r.what}`)).toEqual(['t1:weights']);
    expect(existsSync(join(dir, 'trials', 't1', 'weights'))).toBe(false);
    expect(existsSync(join(dir, 'trials', 't0'))).toBe(false);
    await store.close();
  });
});
