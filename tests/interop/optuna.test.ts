// `finesweep export-optuna`: the export opened by the real Optuna (Debian's python3-optuna, for
// /usr/bin/python3) through JournalStorage(JournalFileStorage(path)), compared with the finesweep
// journal it came from: trial count, parameters and their distributions, values at the best epoch,
// intermediate values per epoch, and states.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEventBody, JournalEvent } from '../../src/store/events.js';
import { foldTrials } from '../../src/store/fold.js';
import { specHash } from '../../src/spec/hash.js';
import { expandTrials } from '../../src/sweep/expand.js';
import { run, STACK } from '../e2e/helpers.js';
import { dataReport } from '../report/curves.js';
import { curveFor, demoSpec, stepSweep, writeSweep } from '../report/sweep-fixture.js';

const PYTHON = '/usr/bin/python3';
const LOAD = `
import json, sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.distributions import distribution_to_json
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))
studies = storage.get_all_studies()
study = optuna.load_study(study_name=studies[0].study_name, storage=storage)
complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
print(json.dumps({
  "studies": len(studies),
  "name": study.study_name,
  "direction": study.direction.name,
  "best": study.best_trial.number if complete else None,
  "trials": [{
    "number": t.number, "state": t.state.name, "params": t.params, "value": t.value,
    "distributions": {k: json.loads(distribution_to_json(d)) for k, d in t.distributions.items()},
    "intermediate": {str(k): v for k, v in t.intermediate_values.items()},
    "user_attrs": t.user_attrs,
    "started": t.datetime_start is not None, "finished": t.datetime_complete is not None,
  } for t in study.trials],
}))
`;

function loadWithOptuna(path: string): any {
  const r = spawnSync(PYTHON, ['-c', LOAD, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`optuna could not load ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A random-search sweep with every kind of parameter and every way a trial ends. */
function mixedSweep() {
  const spec = demoSpec({
    name: 'mixed',
    strategy: { type: 'random', trials: 7 },
    parameters: {
      learning_rate: { distribution: 'log_uniform', min: 1e-5, max: 1e-2 },
      batch_size: { values: [8, 16] },
      epochs: { distribution: 'int_uniform', min: 3, max: 5 },
      weight_decay: { distribution: 'uniform', min: 0, max: 0.1 },
      method: { values: ['full', 'head'] },
      dropout: { distribution: 'q_uniform', min: 0, max: 0.3, q: 0.1 },
      warmup_ratio: { value: 0.1 },
    },
  });
  const planned = expandTrials(spec);
  const bodies: JournalEventBody[] = [{ type: 'sweep_started', name: spec.name, spec_hash: specHash(spec), trials: planned.length, resumed: false, pid: 1, host: 'lab' }];
  const start = (i: number) => {
    bodies.push({ type: 'trial_started', trial_id: planned[i].id, index: i, params: planned[i].params, slot: 0, attempt: 1, from_epoch: 0 });
    bodies.push({ type: 'data_report', trial_id: planned[i].id, report: dataReport(), backend: 'wasm' });
  };
  const epochs = (i: number, n: number) => {
    for (const m of curveFor(i % 2 ? 1e-4 : 1e-3, 8, n)) bodies.push({ type: 'epoch_ended', trial_id: planned[i].id, metrics: m });
  };
  const id = (i: number) => planned[i].id;
  start(0); epochs(0, 4); bodies.push({ type: 'trial_completed', trial_id: id(0), seconds: 9 });
  start(1); epochs(1, 2); bodies.push({ type: 'trial_stopped_early', trial_id: id(1), epoch: 2, rung: 0, reason: 'asha: below the top third at rung 0' });
  start(2); epochs(2, 1); bodies.push({ type: 'trial_failed', trial_id: id(2), attempt: 1, error: 'worker exited with code 1', will_retry: false });
  start(3); epochs(3, 1);
  bodies.push({ type: 'epoch_ended', trial_id: id(3), metrics: { epoch: 2, train_loss: Number.NaN, val_loss: Number.NaN, seconds: 1 } });
  bodies.push({ type: 'trial_diverged', trial_id: id(3), epoch: 2, reason: 'loss is NaN at epoch 2' });
  start(4); epochs(4, 3); bodies.push({ type: 'trial_completed', trial_id: id(4), seconds: 7 });
  start(5); epochs(5, 2); bodies.push({ type: 'trial_stopped', trial_id: id(5), epoch: 2, reason: 'interrupted (SIGINT)' });
  start(6); epochs(6, 1);
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  // JSON has no NaN: the journal holds null there, as JSON.stringify writes it.
  const events = bodies.map((b, i) => JSON.parse(JSON.stringify({ ...b, seq: i + 1, time: new Date(t0 + i * 1000).toISOString() })) as JournalEvent);
  return { spec, events };
}

const STATES: Record<string, string> = { completed: 'COMPLETE', stopped_early: 'PRUNED', failed: 'FAIL', diverged: 'FAIL', running: 'RUNNING', stopped: 'WAITING' };

describe('finesweep export-optuna', () => {
  it('writes a journal that the real Optuna opens with the same trials, parameters, values and states', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-optuna-'));
    const sweep = mixedSweep();
    const dir = await writeSweep(root, sweep);
    const out = join(root, 'mixed.optuna.log');
    const r = await run(['export-optuna', dir, '--out', out], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: study "mixed" (minimize), 7 trials\n`);

    const got = loadWithOptuna(out);
    const trials = [...foldTrials(sweep.events).trials.values()].sort((a, b) => a.index - b.index);
    expect(got.studies).toBe(1);
    expect(got.name).toBe('mixed');
    expect(got.direction).toBe('MINIMIZE');
    expect(got.trials).toHaveLength(trials.length);
    trials.forEach((t, i) => {
      const o = got.trials[i];
      expect(o.number).toBe(i);
      expect(o.user_attrs.finesweep_trial_id).toBe(t.id);
      expect(o.state).toBe(STATES[t.status]);
      expect(o.params).toEqual(t.params);
      const losses = t.epochs.filter((e) => Number.isFinite(e.val_loss));
      expect(o.intermediate).toEqual(Object.fromEntries(losses.map((e) => [String(e.epoch), e.val_loss])));
      const best = Math.min(...losses.map((e) => e.val_loss));
      expect(o.value).toBe(o.state === 'COMPLETE' || o.state === 'PRUNED' ? best : null);
      expect(o.finished).toBe(['COMPLETE', 'PRUNED', 'FAIL'].includes(o.state));
      expect(o.started).toBe(o.state !== 'WAITING');
    });
    expect(got.trials.map((o: any) => o.state)).toEqual(['COMPLETE', 'PRUNED', 'FAIL', 'FAIL', 'COMPLETE', 'WAITING', 'RUNNING']);
    // Each parameter with the distribution the spec searched.
    const d = got.trials[0].distributions;
    expect(d.learning_rate).toEqual({ name: 'FloatDistribution', attributes: { low: 1e-5, high: 1e-2, log: true, step: null } });
    expect(d.batch_size).toEqual({ name: 'CategoricalDistribution', attributes: { choices: [8, 16] } });
    expect(d.epochs).toEqual({ name: 'IntDistribution', attributes: { low: 3, high: 5, log: false, step: 1 } });
    expect(d.weight_decay).toEqual({ name: 'FloatDistribution', attributes: { low: 0, high: 0.1, log: false, step: null } });
    expect(d.method).toEqual({ name: 'CategoricalDistribution', attributes: { choices: ['full', 'head'] } });
    expect(d.dropout.attributes.step).toBe(0.1);
    expect(d.warmup_ratio).toEqual({ name: 'CategoricalDistribution', attributes: { choices: [0.1] } });
    // Optuna's best trial is the leaderboard's first.
    const completed = trials.map((t, i) => ({ t, i })).filter(({ t }) => t.status === 'completed');
    const bestIndex = completed.reduce((a, b) => (Math.min(...b.t.epochs.map((e) => e.val_loss)) < Math.min(...a.t.epochs.map((e) => e.val_loss)) ? b : a)).i;
    expect(got.best).toBe(bestIndex);
  });

  it('writes the intermediate values of a step-keyed sweep at their optimizer steps, as trial.report(value, step) would', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-optuna-'));
    const sweep = stepSweep();
    const dir = await writeSweep(root, sweep);
    const out = join(root, 'steps.optuna.log');
    const r = await run(['export-optuna', dir, '--out', out], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = loadWithOptuna(out);
    const trials = [...foldTrials(sweep.events).trials.values()].sort((a, b) => a.index - b.index);
    expect(got.trials).toHaveLength(4);
    trials.forEach((t, i) => {
      const o = got.trials[i];
      expect(o.state).toBe('COMPLETE');
      expect(o.intermediate).toEqual(Object.fromEntries(t.epochs.map((e) => [String(e.step), e.val_loss])));
      const best = t.epochs.reduce((a, b) => ((b.val_loss as number) < (a.val_loss as number) ? b : a));
      expect(o.value).toBe(best.val_loss);
      expect(o.user_attrs.finesweep_best_step).toBe(best.step);
      expect(o.user_attrs.finesweep_best_epoch).toBe(best.epoch);
    });
    expect(Object.keys(got.trials[0].intermediate)).toEqual(['10', '20', '30', '40', '50', '60']);
  });

  it('refuses to overwrite an existing file (exit 2, one line, the file unchanged)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-optuna-'));
    const dir = await writeSweep(root, mixedSweep());
    const out = join(root, 'taken.log');
    await writeFile(out, '{"op_code": 0}\n');
    const r = await run(['export-optuna', dir, '--out', out], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`finesweep: --out: ${out} already exists (an Optuna journal is never overwritten; choose a new file)\n`);
    expect(r.stderr).not.toMatch(STACK);
    expect(await readFile(out, 'utf8')).toBe('{"op_code": 0}\n');
    const missing = await run(['export-optuna', join(root, 'nope'), '--out', join(root, 'x.log')], root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^finesweep: not a sweep directory: .*nope \(it does not exist\)\n$/);
  });
});
