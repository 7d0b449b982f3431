// A controller killed at any point: the journal ends after some event (or mid-line), the trials'
// checkpoints may be ahead of it. Resume from each such point completes every trial exactly once,
// with every epoch recorded.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import { syntheticTrainerUrl } from '../../bench/trainers/index.js';
import { tempDir } from '../pool/helpers.js';
import { countBy, journal, ofType, writeSpec } from './sweep-helpers.js';

let finished: string;
let lines: string[];

beforeAll(async () => {
  const dir = tempDir('finesweep-cuts-');
  const out = await runSweep(writeSpec(dir, { learningRates: [1e-3, 1e-2], epochs: 2 }), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
  finished = out.dir;
  lines = readFileSync(join(finished, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean);
});

/** The journal cut after the n-th line (plus `torn` characters of the next one). */
function cutAt(name: string, n: () => number, torn = 0) {
  return [name, n, torn] as const;
}
const after = (type: string, nth = 1) => () => lines.findIndex((l, i) => l.includes(`"type":"${type}"`) && lines.slice(0, i + 1).filter((m) => m.includes(`"type":"${type}"`)).length === nth) + 1;

describe.each([
  cutAt('before the first trial (only sweep_started)', after('sweep_started')),
  cutAt('mid-trial (after the first epoch)', after('epoch_ended')),
  cutAt('between trials (after the first completion)', after('trial_completed')),
  cutAt('mid-write of an event (a torn line)', after('trial_completed', 2), 30),
  cutAt('after the last trial, before sweep_completed', () => lines.length - 1),
])('resume after a kill %s', (_name, n, torn) => {
  it('completes each trial exactly once with all its epochs', async () => {
    const copy = join(tempDir('finesweep-cut-'), 'sweep');
    cpSync(finished, copy, { recursive: true });
    const k = n();
    expect(k).toBeGreaterThan(0);
    const text = lines.slice(0, k).join('\n') + '\n' + (torn ? lines[k].slice(0, torn) : '');
    writeFileSync(join(copy, 'journal.jsonl'), text);
    const out = await resumeSweep(copy, { trainer: syntheticTrainerUrl('noop') });
    const events = journal(copy);
    const completed = ofType(events, 'trial_completed');
    expect(completed).toHaveLength(4);
    expect([...countBy(completed, (e) => e.trial_id).values()]).toEqual([1, 1, 1, 1]);
    expect(ofType(events, 'sweep_completed')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('sweep_completed');
    for (const t of out.state.trials.values()) expect(t.epochs.map((m) => m.epoch)).toEqual([1, 2]);
  });
});
