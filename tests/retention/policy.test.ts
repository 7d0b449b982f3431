// The retention policy as a pure function of the trials' states and file sizes; and its I/O on real
// trial directories.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskBytes, planRemovals, removeFiles } from '../../src/retention/apply.js';
import { DEFAULT_RETENTION, retentionDecisions, type TrialFiles } from '../../src/retention/policy.js';
import { tempDir } from '../engine/trial-fixture.js';

const MB = 1024 * 1024;
const t = (id: string, status: string, best: number | undefined, checkpointBytes = 10 * MB, weightsBytes = 2 * MB): TrialFiles => ({
  id,
  status,
  ...(best !== undefined ? { best } : {}),
  checkpointBytes,
  weightsBytes,
});
const what = (rs: ReturnType<typeof retentionDecisions>) => rs.map((r) => `${r.trial_id}:${r.what}`).sort();

describe('retentionDecisions', () => {
  it('removes finished trials\' resume checkpoints and keeps everything of trials that may still run', () => {
    const trials = [t('a', 'completed', 0.9), t('b', 'diverged', 0.5), t('c', 'stopped_early', 0.7), t('d', 'running', 0.8), t('e', 'stopped', 0.6), t('f', 'pending', undefined, 0, 0), t('g', 'failed', 0.1)];
    const rs = retentionDecisions(trials, DEFAULT_RETENTION, 'maximize');
    expect(what(rs)).toEqual(['a:checkpoint', 'b:checkpoint', 'c:checkpoint']);
    expect(rs[0].reason).toBe('trial completed: its resume checkpoint is no longer needed (keep "best")');
    expect(retentionDecisions(trials, { ...DEFAULT_RETENTION, keep: 'all' }, 'maximize')).toEqual([]);
  });

  it('keeps the weights of the top keep_top_trials only, ranking running trials too, by the goal', () => {
    const trials = [t('a', 'completed', 0.9), t('b', 'completed', 0.8), t('c', 'running', 0.85), t('d', 'completed', 0.7), t('e', 'completed', undefined)];
    const policy = { keep: 'all' as const, keep_top_trials: 2 };
    const rs = retentionDecisions(trials, policy, 'maximize');
    expect(what(rs)).toEqual(['b:weights', 'd:weights', 'e:weights']);
    expect(rs.find((r) => r.trial_id === 'b')!.reason).toBe('ranks 3, outside keep_top_trials 2');
    expect(rs.find((r) => r.trial_id === 'e')!.reason).toBe('trial completed without a finite objective value');
    // Minimizing the same numbers turns the ranking around.
    expect(what(retentionDecisions(trials, policy, 'minimize'))).toEqual(['a:weights', 'e:weights']);
  });

  it('over max_disk_mb removes the lowest-ranked weights first, never the best trial\'s', () => {
    const trials = [t('a', 'completed', 1, 0, 4 * MB), t('b', 'completed', 2, 0, 4 * MB), t('c', 'completed', 3, 0, 4 * MB), t('d', 'running', 0.5, 3 * MB, 0)];
    const policy = { keep: 'best' as const, keep_top_trials: 10, max_disk_mb: 10 };
    // 15 MB: c (rank 4 of a, b, c behind d) goes first, then 11 MB: b.
    expect(what(retentionDecisions(trials, policy, 'minimize'))).toEqual(['b:weights', 'c:weights']);
    // A budget smaller than the best trial: everything else goes, the best trial stays.
    const solo = [t('a', 'completed', 1, 0, 4 * MB), t('b', 'completed', 2, 0, 4 * MB)];
    expect(what(retentionDecisions(solo, { ...policy, max_disk_mb: 1 }, 'minimize'))).toEqual(['b:weights']);
  });

  it('is a function of its input only: the order of the trials does not matter', () => {
    const trials = [t('a', 'completed', 0.5), t('b', 'completed', 0.5), t('c', 'completed', 0.4), t('d', 'completed', 0.9)];
    const policy = { keep: 'best' as const, keep_top_trials: 2 };
    const forward = what(retentionDecisions(trials, policy, 'maximize'));
    expect(what(retentionDecisions([...trials].reverse(), policy, 'maximize'))).toEqual(forward);
    expect(forward).toEqual(['a:checkpoint', 'b:checkpoint', 'b:weights', 'c:checkpoint', 'c:weights', 'd:checkpoint']);
  });
});

describe('retention on disk', () => {
  it('measures real trial directories and removes what the policy decided, idempotently', () => {
    const root = tempDir('finesweep-retention-');
    const make = (id: string, ckpt: number, weights: number) => {
      const dir = join(root, id);
      mkdirSync(join(dir, 'checkpoint'), { recursive: true });
      mkdirSync(join(dir, 'weights'), { recursive: true });
      writeFileSync(join(dir, 'checkpoint', 'step-1.ckpt'), Buffer.alloc(ckpt));
      writeFileSync(join(dir, 'weights', 'best.fsw'), Buffer.alloc(weights));
      return dir;
    };
    const trials = [
      { id: 'a', status: 'completed', best: 1, dir: make('a', 3000, 1000) },
      { id: 'b', status: 'completed', best: 2, dir: make('b', 3000, 1000) },
      { id: 'c', status: 'stopped', best: 3, dir: make('c', 3000, 1000) },
    ];
    expect(diskBytes(root)).toBe(12_000);
    const removals = planRemovals(trials, { keep: 'best', keep_top_trials: 1 }, 'minimize');
    expect(removals.map((r) => [r.trial_id, r.what, r.bytes])).toEqual([['a', 'checkpoint', 3000], ['b', 'checkpoint', 3000], ['b', 'weights', 1000]]);
    for (const r of removals) removeFiles(trials.find((x) => x.id === r.trial_id)!.dir, r);
    for (const r of removals) removeFiles(trials.find((x) => x.id === r.trial_id)!.dir, r);
    expect(diskBytes(root)).toBe(5000);
    expect(existsSync(join(trials[2].dir, 'checkpoint', 'step-1.ckpt'))).toBe(true);
    expect(planRemovals(trials, { keep: 'best', keep_top_trials: 1 }, 'minimize')).toEqual([]);
  });
});
