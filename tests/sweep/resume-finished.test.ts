// Resume of a finished sweep, at a size where anything quadratic in the trials shows (issue 14:
// a finished 10,000-trial sweep's resume had not ended after 8 minutes): it runs nothing, records
// nothing, and returns every trial's final state. Also: trials that wrote no file left no
// directory, and the finished sweep reads back without them.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticSweep } from '../../bench/sweep-journal.js';
import { syntheticTrainerUrl } from '../../bench/trainers/index.js';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import type { SweepProgress } from '../../src/sweep/options.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType, writeSpec } from './sweep-helpers.js';

describe('resume of a finished sweep of 2,000 trials', () => {
  it('run through the run loop: resume starts nothing, leaves the journal byte for byte, and no trial left a directory', async () => {
    const dir = tempDir('finesweep-finished-');
    const learningRates = Array.from({ length: 40 }, (_, i) => 1e-5 * 1.2 ** i);
    const batchSizes = Array.from({ length: 50 }, (_, i) => i + 1);
    const out = await runSweep(writeSpec(dir, { learningRates, batchSizes, resources: { workers: 1 } }), {
      resultsDir: join(dir, 'results'),
      maxTrials: 2000,
      trainer: syntheticTrainerUrl('noop'),
    });
    expect(ofType(journal(out.dir), 'trial_completed')).toHaveLength(2000);
    // One-epoch synthetic trials write no checkpoint and no log: no trial directory at all.
    expect(existsSync(join(out.dir, 'trials'))).toBe(false);

    const before = readFileSync(join(out.dir, 'journal.jsonl'));
    const seen: SweepProgress['type'][] = [];
    const resumed = await resumeSweep(out.dir, { trainer: syntheticTrainerUrl('noop'), onProgress: (p) => seen.push(p.type) });
    expect(seen).toEqual([]);
    expect(readFileSync(join(out.dir, 'journal.jsonl')).equals(before)).toBe(true);
    expect(resumed.state.completed).toBe(true);
    expect([...resumed.state.trials.values()].filter((t) => t.status === 'completed')).toHaveLength(2000);
  }, 300_000);

  it('written straight into a journal (completed, failed, diverged and stopped-early trials): resume starts nothing', async () => {
    const dir = await writeSyntheticSweep(await mkdtemp(join(tmpdir(), 'finesweep-finished-')), 2000);
    const before = readFileSync(join(dir, 'journal.jsonl'));
    const resumed = await resumeSweep(dir, { trainer: syntheticTrainerUrl('noop') });
    expect(readFileSync(join(dir, 'journal.jsonl')).equals(before)).toBe(true);
    expect(resumed.state.trials.size).toBe(2000);
    const statuses = new Set([...resumed.state.trials.values()].map((t) => t.status));
    expect(statuses).toEqual(new Set(['completed', 'failed', 'diverged', 'stopped_early']));
  }, 300_000);
});
