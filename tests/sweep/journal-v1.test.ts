// A journal written before evaluations carried steps (format 1, tests/fixtures/journal-v1, written
// by finesweep at 3c6de65) still reads, reports and resumes with the compiled CLI (`npm run build`
// first). The resumes cut it where a kill -9 could have: at a line boundary.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldTrials } from '../../src/store/fold.js';
import { JOURNAL_FORMAT } from '../../src/store/events.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');
const FIXTURE = resolve(import.meta.dirname, '../fixtures/journal-v1');

/** The fixture's sweep directory, its journal cut after `lines` lines, its spec_dir pointed at the fixture. */
function sweepCopy(lines?: number): string {
  const dir = join(tempDir('finesweep-v1-'), 'v1-journal');
  cpSync(FIXTURE, dir, { recursive: true });
  const all = readFileSync(join(FIXTURE, 'journal.jsonl'), 'utf8').trim().split('\n');
  const kept = all.slice(0, lines ?? all.length).map((line) => {
    const e = JSON.parse(line) as { type: string; spec_dir?: string };
    return e.type === 'sweep_started' ? JSON.stringify({ ...e, spec_dir: FIXTURE }) : line;
  });
  writeFileSync(join(dir, 'journal.jsonl'), kept.join('\n') + '\n');
  return dir;
}

const finesweep = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('a journal of format 1 (whole epochs, no steps)', () => {
  it('reads and reports as before', () => {
    const dir = sweepCopy();
    const state = foldTrials(journal(dir));
    expect([...state.trials.values()].map((t) => [t.status, t.epochs.map((m) => m.epoch)])).toEqual([
      ['completed', [1, 2]],
      ['stopped_early', [1]],
    ]);
    const report = finesweep('report', dir);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/stopped early \(rung 0\)/);
    expect(report.stdout).toMatch(/t000-748e770d/);
  });

  it('resumes after a kill before the ASHA decision was written: the same stop, no trial run again', () => {
    // Line 10 is t001's epoch 1; its stop (line 11) was never written.
    const dir = sweepCopy(10);
    const original = ofType(journal(sweepCopy()), 'trial_stopped_early');
    const resumed = finesweep('resume', dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    const events = journal(dir);
    expect(ofType(events, 'trial_stopped_early').map(({ trial_id, epoch, rung, reason }) => ({ trial_id, epoch, rung, reason }))).toEqual(
      original.map(({ trial_id, epoch, rung, reason }) => ({ trial_id, epoch, rung, reason })),
    );
    expect(ofType(events, 'trial_started')).toHaveLength(2); // nothing ran again
    expect(ofType(events, 'sweep_started').at(-1)?.format).toBe(JOURNAL_FORMAT);
  });

  it('resumes a trial cut before its first epoch: it trains with steps now, beside the old epoch-only points', () => {
    // Line 9 is t001's data_report: it was running, nothing recorded yet.
    const dir = sweepCopy(9);
    const resumed = finesweep('resume', dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    const events = journal(dir);
    const ended = ofType(events, 'epoch_ended');
    expect(ended.map((e) => [e.trial_id, e.metrics.epoch, e.metrics.step])).toEqual([
      ['t000-748e770d', 1, undefined],
      ['t000-748e770d', 2, undefined],
      // 44 training texts, batch 16: 3 steps an epoch.
      ['t001-410359de', 1, 3],
    ]);
    // The same training and the same decision as the run that wrote the fixture.
    const original = ofType(journal(sweepCopy()), 'trial_stopped_early');
    expect(ofType(events, 'trial_stopped_early').map((e) => e.reason)).toEqual(original.map((e) => e.reason));
    expect(ofType(events, 'trial_completed').map((e) => e.trial_id)).toEqual(['t000-748e770d']);
    const report = finesweep('report', dir);
    expect(report.status, report.stderr).toBe(0);
  });
});
