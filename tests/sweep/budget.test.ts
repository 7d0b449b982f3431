// Sweep budgets (spec stop_when): real sweeps of synthetic trials, run and resumed; the budget's
// end in the journal and the leaderboard; resume with a larger budget; bad budgets refused.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticTrainerUrl } from '../../bench/trainers/index.js';
import { renderReport } from '../../src/report/render/report.js';
import { specHash } from '../../src/spec/hash.js';
import { foldTrials } from '../../src/store/fold.js';
import { Budget, secondsSpent } from '../../src/sweep/budget.js';
import { resumeSweep, runSweep } from '../../src/sweep/session.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');

/** A grid of 6 synthetic trials (3 learning rates × 2 batch sizes), with `extra` keys at the top. */
function budgetSpec(dir: string, extra: Record<string, unknown>, name = 'budget'): string {
  const spec = {
    name,
    seed: 7,
    task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
    parameters: { learning_rate: { values: [1e-4, 1e-3, 1e-2] }, batch_size: { values: [8, 16] }, epochs: { value: 1 } },
    objective: { metric: 'val_loss', goal: 'minimize' },
    resources: { gpus: 0, workers: 1 },
    ...extra,
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

const table = (out: Awaited<ReturnType<typeof runSweep>>): string => renderReport({ spec: out.spec, state: out.state, planned: out.planned, dir: out.dir }, { format: 'table', color: false });

describe('stop_when', () => {
  it('trials: starts at most N trials, records why it ended; resume says so and changes nothing; a larger budget runs more', async () => {
    const dir = tempDir('finesweep-budget-');
    const noop = syntheticTrainerUrl('noop');
    const out = await runSweep(budgetSpec(dir, { stop_when: { trials: 2 } }), { resultsDir: join(dir, 'results'), trainer: noop });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_started')).toHaveLength(2);
    expect(ofType(events, 'sweep_completed')).toHaveLength(0);
    expect(ofType(events, 'sweep_ended').map(({ budget, limit }) => ({ budget, limit }))).toEqual([{ budget: 'trials', limit: 2 }]);
    expect(out.state.ended).toMatchObject({ budget: 'trials', limit: 2 });
    expect(table(out)).toContain('sweep ended: budget of 2 trials spent');

    const before = readFileSync(join(out.dir, 'journal.jsonl'));
    const again = await resumeSweep(out.dir, { trainer: noop });
    expect(readFileSync(join(out.dir, 'journal.jsonl')).equals(before)).toBe(true);
    expect(again.state.ended).toMatchObject({ budget: 'trials', limit: 2 });

    const savedHash = JSON.parse(readFileSync(join(out.dir, 'spec.resolved.json'), 'utf8')).hash;
    const more = await resumeSweep(out.dir, { trainer: noop, stopWhen: { trials: 4 } });
    expect(ofType(journal(out.dir), 'trial_completed')).toHaveLength(4);
    expect(more.state.ended).toMatchObject({ budget: 'trials', limit: 4 });
    const saved = JSON.parse(readFileSync(join(out.dir, 'spec.resolved.json'), 'utf8'));
    expect(saved.spec.stop_when).toEqual({ trials: 4 });
    expect(saved.hash).toBe(savedHash);

    // A budget as large as the plan: the sweep completes as any other.
    const all = await resumeSweep(out.dir, { trainer: noop, stopWhen: { trials: 6 } });
    expect(all.state.completed).toBe(true);
    expect(all.state.ended).toBeUndefined();
  }, 120_000);

  it('objective: the sweep starts no trial after one reaches the value (goal minimize)', async () => {
    const dir = tempDir('finesweep-budget-');
    // noop's val_loss: 0.808 at lr 1e-4 (batch 8), 0.708 at lr 1e-3 (batch 8): the second trial reaches 0.75.
    const out = await runSweep(budgetSpec(dir, { stop_when: { objective: 0.75 } }), { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const events = journal(out.dir);
    const [ended] = ofType(events, 'sweep_ended');
    expect(ended).toMatchObject({ budget: 'objective', limit: 0.75 });
    expect(ended.value!).toBeLessThanOrEqual(0.75);
    const completed = ofType(events, 'trial_completed').map((e) => e.trial_id);
    expect(completed).toContain(ended.trial_id);
    expect(completed.length).toBeLessThan(6);
    expect(ofType(events, 'epoch_ended').filter((e) => e.trial_id !== ended.trial_id).every((e) => (e.metrics.val_loss as number) > 0.75)).toBe(true);
    expect(table(out)).toContain(`sweep ended: objective 0.75 reached by trial ${ended.trial_id}`);
  }, 120_000);

  it('seconds: running trials stop as on Ctrl-C (resumable), counted across resumes', async () => {
    const dir = tempDir('finesweep-budget-');
    const hang = syntheticTrainerUrl('hang');
    const out = await runSweep(budgetSpec(dir, { stop_when: { seconds: 0.3 }, resources: { gpus: 0, workers: 2 } }), { resultsDir: join(dir, 'results'), trainer: hang });
    const events = journal(out.dir);
    const stopped = ofType(events, 'trial_stopped');
    expect(stopped).toHaveLength(2);
    expect(stopped.every((e) => e.reason.includes('budget of 0.3 s spent'))).toBe(true);
    expect([...out.state.trials.values()].filter((t) => t.status === 'stopped')).toHaveLength(2);
    expect(ofType(events, 'sweep_ended')).toMatchObject([{ budget: 'seconds', limit: 0.3 }]);
    expect(secondsSpent(events)).toBeGreaterThanOrEqual(0.3);

    const before = readFileSync(join(out.dir, 'journal.jsonl'));
    const again = await resumeSweep(out.dir, { trainer: hang });
    expect(readFileSync(join(out.dir, 'journal.jsonl')).equals(before)).toBe(true);
    expect(again.state.ended).toMatchObject({ budget: 'seconds' });

    // A larger budget (what the first run spent, stopping its trials included, plus 0.3 s): the
    // stopped trials continue, and the sweep runs until that much in all.
    const larger = Math.ceil((secondsSpent(events) + 0.3) * 1000) / 1000;
    await resumeSweep(out.dir, { trainer: hang, stopWhen: { seconds: larger } });
    const after = journal(out.dir);
    expect(ofType(after, 'sweep_started')).toHaveLength(2);
    expect(ofType(after, 'trial_started').slice(2).every((e) => e.attempt === 1)).toBe(true);
    expect(ofType(after, 'sweep_ended').at(-1)).toMatchObject({ budget: 'seconds', limit: larger });
    expect(secondsSpent(after)).toBeGreaterThanOrEqual(larger);
  }, 120_000);

  it('trials with tpe: proposes no trial past the budget', async () => {
    const dir = tempDir('finesweep-budget-');
    const path = budgetSpec(dir, { strategy: { type: 'tpe', trials: 7, n_startup_trials: 3 }, stop_when: { trials: 5 } }, 'tpe-budget');
    const spec = JSON.parse(readFileSync(path, 'utf8'));
    spec.parameters.learning_rate = { distribution: 'log_uniform', min: 1e-5, max: 1e-1 };
    writeFileSync(path, JSON.stringify(spec));
    const out = await runSweep(path, { resultsDir: join(dir, 'results'), trainer: syntheticTrainerUrl('noop') });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_proposed').map((e) => e.index)).toEqual([3, 4]);
    expect(ofType(events, 'trial_completed')).toHaveLength(5);
    expect(ofType(events, 'sweep_ended')).toMatchObject([{ budget: 'trials', limit: 5 }]);
    expect(table(out)).toContain('2 not yet proposed');
  }, 120_000);

  it('a started trial continues on resume after the trials budget is spent; new ones do not start', () => {
    const state = foldTrials([
      { seq: 1, time: '2026-01-01T00:00:00.000Z', type: 'sweep_started', name: 'x', spec_hash: 'h', trials: 3, resumed: false, pid: 1, host: 'h' },
      { seq: 2, time: '2026-01-01T00:00:01.000Z', type: 'trial_started', trial_id: 'a', index: 0, params: {}, slot: 0, attempt: 1, from_epoch: 0 },
      { seq: 3, time: '2026-01-01T00:00:02.000Z', type: 'trial_stopped', trial_id: 'a', epoch: 0, reason: 'interrupted' },
    ]);
    const budget = new Budget({ trials: 1 }, [], state, { metric: 'val_loss', goal: 'minimize' });
    expect(budget.take('a')).toBe(true);
    expect(budget.take('b')).toBe(false);
    expect(budget.spent).toEqual({ budget: 'trials', limit: 1 });
    // Seconds, once spent, stop everything: not even a started trial continues.
    expect(budget.spend({ budget: 'seconds', limit: 5 })).toBe(true);
    expect(budget.take('a')).toBe(false);
  });

  it('resume on the CLI: says why the sweep ended, exits 0, changes no journal; a bad flag and a shared store are refused in one line', () => {
    const dir = tempDir('finesweep-budget-');
    const noop = resolve(import.meta.dirname, '../../dist/bench/trainers/noop.js');
    const spec = budgetSpec(dir, { stop_when: { trials: 1 } });
    const results = join(dir, 'results');
    const first = spawnSync(process.execPath, [CLI, 'run', spec, '--results', results, '--trainer', noop], { encoding: 'utf8' });
    expect(first.status).toBe(0);
    const sweepDir = join(results, 'budget');
    expect(first.stderr).toContain(`sweep ended: budget of 1 trial spent; continue it with a larger budget: finesweep resume ${sweepDir} --stop-when-trials <n>`);
    const before = readFileSync(join(sweepDir, 'journal.jsonl'));
    const again = spawnSync(process.execPath, [CLI, 'resume', sweepDir, '--trainer', noop], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('sweep ended: budget of 1 trial spent');
    expect(readFileSync(join(sweepDir, 'journal.jsonl')).equals(before)).toBe(true);

    for (const [flag, value] of [['--stop-when-trials', '0'], ['--stop-when-seconds', '-5'], ['--stop-when-objective', 'abc']]) {
      const r = spawnSync(process.execPath, [CLI, 'resume', sweepDir, flag, value], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(flag)]);
    }
    expect(readFileSync(join(sweepDir, 'journal.jsonl')).equals(before)).toBe(true);
    // Refused before any connection is tried: nothing listens on port 1.
    const shared = spawnSync(process.execPath, [CLI, 'run', spec, '--storage', 'postgresql://nobody@127.0.0.1:1/none', '--trainer', noop], { encoding: 'utf8' });
    expect(shared.status).toBe(2);
    expect(shared.stderr.trim().split('\n')).toEqual([expect.stringContaining('/stop_when: budgets are not supported on a shared sweep')]);
  }, 120_000);

  it('is left out of the spec hash: a spec without it hashes as before', () => {
    const spec = { name: 'x', parameters: { lr: { value: 1 } } };
    expect(specHash({ ...spec, stop_when: { seconds: 60 } })).toBe(specHash(spec));
    expect(specHash({ ...spec, stop_when: { seconds: 60 } })).toBe(specHash({ ...spec, stop_when: { trials: 3 } }));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['negative seconds', { seconds: -5 }, /stop_when\/seconds/],
    ['zero trials', { trials: 0 }, /stop_when\/trials/],
    ['an empty budget', {}, /stop_when/],
    ['an objective the metric never reaches', { objective: 1.5 }, /stop_when\/objective.*val_accuracy is at most 1/],
  ];
  it.each(bad)('refuses %s in one line, exit 2, nothing on disk (compiled CLI)', (_what, stopWhen, message) => {
    const dir = tempDir('finesweep-budget-');
    const spec = budgetSpec(dir, { stop_when: stopWhen, objective: { metric: 'val_accuracy' } });
    const r = spawnSync(process.execPath, [CLI, 'run', spec, '--results', join(dir, 'results')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });
});
