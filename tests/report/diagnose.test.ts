import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseTrial } from '../../src/report/analysis/diagnose.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { DEFAULT_THRESHOLDS, thresholdsOfSpec } from '../../src/report/analysis/spec-summary.js';
import { CURVES, ctx, dataReport, epochs, names, params, sweep, trial } from './curves.js';


describe('diagnosis of recorded curves', () => {
  it('flags a textbook overfit curve as overfitting only, from the epoch val loss bottomed out', () => {
    const flags = diagnoseTrial(trial('t', CURVES.overfit), ctx());
    expect(names(flags)).toEqual(['overfitting']);
    expect(flags[0].epoch).toBe(2);
    expect(flags[0].advice).toBe('fewer epochs (best was epoch 2), lower LR, more data, more regularization');
  });

  it('flags an underfit curve as underfitting only', () => {
    const flags = diagnoseTrial(trial('t', CURVES.underfit), ctx());
    expect(names(flags)).toEqual(['underfitting']);
    expect(flags[0].advice).toBe('higher LR, more epochs, unfreeze more layers');
  });

  it('flags a still-improving curve as still_improving only', () => {
    const flags = diagnoseTrial(trial('t', CURVES.improving), ctx());
    expect(names(flags)).toEqual(['still_improving']);
    expect(flags[0].advice).toBe('more epochs');
  });

  it('flags a NaN curve as diverged only, at the epoch of the NaN', () => {
    const flags = diagnoseTrial(trial('t', CURVES.divergedNaN, { status: 'diverged', reason: 'loss is NaN' }), ctx());
    expect(names(flags)).toEqual(['diverged']);
    expect(flags[0].epoch).toBe(3);
    expect(flags[0].advice).toBe('lower the learning rate');
  });

  it('reads a NaN the journal stored as null as divergence', () => {
    const fromJson = JSON.parse(JSON.stringify(CURVES.divergedNaN));
    const flags = diagnoseTrial(trial('t', fromJson), ctx());
    expect(names(flags)).toEqual(['diverged']);
    expect(flags[0].detail).toBe('loss is NaN at epoch 3');
  });

  it('flags a loss that ends above its start as diverged only', () => {
    expect(names(diagnoseTrial(trial('t', CURVES.divergedUp), ctx()))).toEqual(['diverged']);
  });

  it('flags a trial the engine stopped as diverged before any epoch', () => {
    expect(names(diagnoseTrial(trial('t', [], { status: 'diverged', reason: 'NaN at step 3' }), ctx()))).toEqual(['diverged']);
  });

  it('gives a healthy curve no flag', () => {
    expect(diagnoseTrial(trial('t', CURVES.healthy), ctx())).toEqual([]);
  });

  it('flags overfitting by the final train–val gap when val loss stayed flat', () => {
    const flat = epochs([0.5, 0.3, 0.12, 0.05], [0.7, 0.66, 0.68, 0.69]);
    const flags = diagnoseTrial(trial('t', flat), ctx());
    expect(names(flags)).toEqual(['overfitting']);
    expect(flags[0].detail).toMatch(/gap/);
  });

  it('flags forgetting when general-text perplexity rose past the threshold, not below it', () => {
    const forgot = trial('t', CURVES.healthy, { forgetting: { basePerplexity: 30, finalPerplexity: 40 } });
    const kept = trial('t', CURVES.healthy, { forgetting: { basePerplexity: 30, finalPerplexity: 32 } });
    const flags = diagnoseTrial(forgot, ctx());
    expect(names(flags)).toEqual(['forgetting']);
    expect(flags[0].advice).toBe('lower LR, fewer epochs, freeze more');
    expect(diagnoseTrial(kept, ctx())).toEqual([]);
  });

  it('uses the initial loss as the underfitting reference for causal-lm', () => {
    const lm = (train: number[]) => trial('t', epochs(train, train.map((x) => x + 0.02)), { dataReport: undefined, initialValLoss: 4 });
    expect(names(diagnoseTrial(lm([3.95, 3.9, 3.88]), ctx({ taskType: 'causal-lm' })))).toEqual(['underfitting']);
    expect(diagnoseTrial(lm([3.4, 3.2, 3.17]), ctx({ taskType: 'causal-lm' }))).toEqual([]);
  });

  it('judges underfitting and still-improving only on trials that ran to the end', () => {
    expect(diagnoseTrial(trial('t', CURVES.underfit, { status: 'running' }), ctx())).toEqual([]);
    expect(diagnoseTrial(trial('t', CURVES.improving, { status: 'running' }), ctx())).toEqual([]);
    // Overfitting already shows on a running trial.
    expect(names(diagnoseTrial(trial('t', CURVES.overfit, { status: 'running' }), ctx()))).toEqual(['overfitting']);
  });

  it('reads the still-improving direction from the objective goal', () => {
    const acc = epochs([0.5, 0.3, 0.22, 0.2], [0.45, 0.33, 0.3, 0.299], [0.7, 0.8, 0.85, 0.9]);
    expect(names(diagnoseTrial(trial('t', acc), ctx({ objective: { metric: 'val_accuracy', goal: 'maximize' } })))).toEqual(['still_improving']);
  });

  it('takes thresholds from the spec', () => {
    const spec = { diagnosis: { overfit_rise: 1, overfit_gap: 1, underfit_ratio: 1.5 } };
    const t = thresholdsOfSpec(spec);
    expect(names(diagnoseTrial(trial('t', CURVES.overfit), ctx({ thresholds: t })))).toEqual([]);
    expect(names(diagnoseTrial(trial('t', CURVES.healthy), ctx({ thresholds: { ...t, underfit_ratio: 0.2 } })))).toEqual(['underfitting']);
  });

  it('has the schema defaults as default thresholds', () => {
    const schema = JSON.parse(readFileSync('schema/sweep.schema.json', 'utf8'));
    const props = schema.properties.diagnosis.properties as Record<string, { default: number }>;
    expect(DEFAULT_THRESHOLDS).toEqual(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.default])));
  });
});

describe('leakage', () => {
  it('is shown on every trial of the sweep and at the top', () => {
    const trials = [trial('a', CURVES.healthy, { dataReport: dataReport(3) }), trial('b', CURVES.overfit), trial('c', [], { status: 'pending' })];
    const lb = buildLeaderboard({ spec: {}, state: sweep(trials) });
    expect(lb.leakage.count).toBe(3);
    for (const row of lb.rows) expect(names(row.flags)).toContain('leakage');
    expect(names(lb.rows.find((r) => r.id === 'b')!.flags)).toEqual(['leakage', 'overfitting']);
  });
});

describe('the edge-of-range note', () => {
  const grid = { parameters: { learning_rate: { values: [1e-5, 1e-4, 1e-3] }, batch_size: { values: [8, 16] }, epochs: { value: 4 } } };
  const at = (lr: number, bs: number, val: number) =>
    trial(`lr${lr}-bs${bs}`, epochs([0.5, 0.3, 0.25, 0.24], [0.5, 0.4, 0.35, val]), { params: params(lr, bs, 4) });

  it('says the optimum may lie above the highest learning rate searched', () => {
    const lb = buildLeaderboard({ spec: grid, state: sweep([at(1e-5, 8, 0.6), at(1e-4, 16, 0.4), at(1e-3, 16, 0.3)]) });
    expect(lb.rows[0].id).toBe('lr0.001-bs16');
    expect(lb.notes).toEqual([
      expect.stringMatching(/highest learning_rate searched \(1e-3\): the optimum may lie above it/),
      // 16 is the highest batch size searched too.
      expect.stringMatching(/highest batch_size searched \(16\): the optimum may lie above it/),
    ]);
  });

  it('says nothing when the best trial sits inside the range', () => {
    const lb = buildLeaderboard({ spec: grid, state: sweep([at(1e-5, 8, 0.6), at(1e-4, 8, 0.3), at(1e-3, 8, 0.5), at(1e-4, 16, 0.4)]) });
    expect(lb.rows[0].id).toBe('lr0.0001-bs8');
    expect(lb.notes).toEqual([expect.stringMatching(/lowest batch_size searched \(8\): the optimum may lie below it/)]);
  });

  it('uses the outer tenth of a log-uniform range in log space', () => {
    const spec = { parameters: { learning_rate: { distribution: 'log_uniform', min: 1e-6, max: 1e-2 }, batch_size: { value: 8 }, epochs: { value: 4 } } };
    const low = buildLeaderboard({ spec, state: sweep([at(2e-6, 8, 0.3), at(1e-4, 8, 0.5)]) });
    expect(low.notes).toEqual([expect.stringMatching(/lowest learning_rate searched \(2e-6\)/)]);
    const mid = buildLeaderboard({ spec, state: sweep([at(2e-6, 8, 0.5), at(1e-4, 8, 0.3)]) });
    expect(mid.notes).toEqual([]);
  });
});

describe('divergence without a NaN', () => {
  // The 4-class trial at lr 5.0: class-prior loss 1.39, train loss 626.5 then 32.9.
  const fourClass = (): ReturnType<typeof dataReport> => ({ ...dataReport(), priorLoss: 1.39 });
  const blown = () => trial('lr5', epochs([626.5, 32.9], [49.9, 2.64]), { dataReport: fourClass(), params: params(5, 16, 2), initialValLoss: 1.4 });

  it('flags a loss far above the class-prior loss as diverged, and tells it to lower the learning rate', () => {
    const flags = diagnoseTrial(blown(), ctx());
    expect(names(flags)).toEqual(['diverged']);
    expect(flags[0].epoch).toBe(1);
    expect(flags[0].detail).toMatch(/626\.5 at epoch 1 is 450.*× the reference loss 1\.39/);
    expect(flags[0].advice).toBe('lower the learning rate');
  });

  it('flags a train loss that rose by an order of magnitude, and not one that only doubled', () => {
    const lm = (train: number[]) => trial('lm', epochs(train, train), { dataReport: undefined, initialValLoss: 6 });
    // 0.5 → 6.2: over ten times its low, back above the initial loss 6, under 3× it and under 1.1× it.
    const flags = diagnoseTrial(lm([2, 0.5, 6.2]), ctx({ taskType: 'causal-lm' }));
    expect(names(flags)).toEqual(['diverged']);
    expect(flags[0].detail).toMatch(/rose from 0\.5 to 6\.2 at epoch 3/);
    // A memorised loss that ticks up from near zero is not divergence.
    expect(diagnoseTrial(lm([2, 0.001, 0.05]), ctx({ taskType: 'causal-lm' })).map((f) => f.name)).not.toContain('diverged');
    expect(diagnoseTrial(lm([2, 0.4, 0.8]), ctx({ taskType: 'causal-lm' })).map((f) => f.name)).not.toContain('diverged');
  });

  it('takes its thresholds from diagnosis: (diverge_ratio, diverge_rise)', () => {
    const t = thresholdsOfSpec({ diagnosis: { diverge_ratio: 1000, diverge_rise: 1000 } });
    expect(t.diverge_ratio).toBe(1000);
    expect(names(diagnoseTrial(blown(), ctx({ thresholds: t })))).not.toContain('diverged');
  });

  it('never tells a trial at or above a learning rate that diverged to raise it', () => {
    // lr 1e-2 diverged; lr 3e-2 sat at the prior afterwards (underfitting); lr 1e-6 underfit too.
    const collapsed = trial('lr3e-2', CURVES.underfit, { params: params(3e-2, 16, 4) });
    const low = trial('lr1e-6', CURVES.underfit, { params: params(1e-6, 16, 4) });
    const wreck = trial('lr1e-2', epochs([0.69, 9, 12], [0.7, 8, 9]), { params: params(1e-2, 16, 3) });
    const lb = buildLeaderboard({ spec: {}, state: sweep([collapsed, low, wreck]) });
    const row = (id: string) => lb.rows.find((r) => r.id === id)!;
    // The wreck is told about its learning rate, with its own curve as the evidence.
    expect(row('lr1e-2').recommendation).toEqual({
      flag: 'diverged',
      text: 'lower the learning rate: train loss 0.69 at epoch 1 → 9 at epoch 2',
      evidence: { kind: 'curve', metric: 'train_loss', trend: 'loss', points: [{ epoch: 1, value: 0.69 }, { epoch: 2, value: 9 }] },
    });
    for (const r of lb.rows) {
      const lr = r.params.learning_rate as number;
      if (lr >= 1e-2) expect(`${r.recommendation?.text} ${r.flags.map((f) => f.advice).join(' ')}`).not.toMatch(/higher LR|raise/i);
    }
    const advice = (id: string) => row(id).flags.find((f) => f.name === 'underfitting')?.advice;
    expect(advice('lr3e-2')).toMatch(/^lower the learning rate \(a trial diverged at 1e-2, below this one\)$/);
    expect(advice('lr1e-6')).toBe('higher LR (below 1e-2, which diverged), more epochs, unfreeze more layers');
  });
});

describe('one recommendation per trial', () => {
  it('answers a diverged trial about its learning rate and leakage before any tuning, in the documented priority', async () => {
    const { ADVICE_PRIORITY } = await import('../../src/report/analysis/advice.js');
    expect(ADVICE_PRIORITY).toEqual(['diverged', 'leakage', 'overfitting', 'underfitting', 'still_improving', 'forgetting']);
    const leaky = { dataReport: dataReport(3) };
    const lb = buildLeaderboard({
      spec: {},
      state: sweep([trial('leaky', CURVES.overfit, leaky), trial('wreck', CURVES.divergedNaN, { ...leaky, params: params(1e-2, 16, 3) })]),
    });
    const row = (id: string) => lb.rows.find((r) => r.id === id)!;
    expect(row('leaky').recommendation).toEqual({
      flag: 'leakage',
      text: 'remove the shared examples: 3 examples in both train and validation; the validation score cannot be trusted',
      evidence: { kind: 'data', shared: 3 },
    });
    expect(row('leaky').flags.map((f) => f.name)).toEqual(['leakage', 'overfitting']);
    expect(row('wreck').recommendation).toMatchObject({ flag: 'diverged', evidence: { kind: 'curve' } });
    expect(buildLeaderboard({ spec: {}, state: sweep([trial('fine', CURVES.healthy)]) }).rows[0].recommendation).toBeUndefined();
  });

  it('names each trial once under the table, with its recommendation', () => {
    const forgot = { forgetting: { basePerplexity: 30, finalPerplexity: 60 } };
    const a = trial('a', CURVES.improving, { ...forgot, params: params(1e-3, 16, 4) });
    const b = trial('b', CURVES.overfit, { params: params(1e-2, 16, 5) });
    const lb = buildLeaderboard({ spec: {}, state: sweep([a, b]) });
    const named = lb.advice.flatMap((l) => l.trials);
    expect(named.sort()).toEqual(['a', 'b']);
  });
});

describe('forgetting as a trade-off', () => {
  const at = (id: string, val: number, ppl: number) =>
    trial(id, epochs([0.5, 0.3, 0.25, 0.24], [0.5, 0.4, val, val]), { forgetting: { basePerplexity: 100, finalPerplexity: ppl } });

  it('flags forgetting only off the Pareto front of the objective against forgetting', () => {
    // best forgets most (a trade-off: on the front); mid forgets less for a worse score (front);
    // worse scores worse than best AND forgets more than mid: off the front, flagged.
    const lb = buildLeaderboard({ spec: {}, state: sweep([at('best', 0.3, 900), at('mid', 0.33, 300), at('worse', 0.36, 800), at('kept', 0.5, 105)]) });
    const row = (id: string) => lb.rows.find((r) => r.id === id)!;
    expect(names(row('best').flags)).toEqual([]);
    expect(names(row('mid').flags)).toEqual([]);
    expect(names(row('worse').flags)).toEqual(['forgetting']);
    expect(row('worse').flags[0].detail).toMatch(/mid reached val_loss 0\.33 with a rise of 200%/);
    expect(lb.pareto?.front).toEqual(['best', 'mid', 'kept']);
    expect(row('best').paretoRank).toBe(1);
    expect(row('worse').paretoRank).toBe(2);
    expect(row('best').forgettingRise).toBeCloseTo(8, 12);
  });

  it('ranks a two-metric objective by Pareto rank, then by the first metric', () => {
    const spec = { objective: [{ metric: 'val_loss' }, { metric: 'forgetting' }] };
    const lb = buildLeaderboard({ spec, state: sweep([at('worse', 0.36, 800), at('kept', 0.5, 105), at('best', 0.3, 900), at('mid', 0.33, 300)]) });
    expect(lb.rows.map((r) => r.id)).toEqual(['best', 'mid', 'kept', 'worse']);
    expect(lb.pareto?.ranks).toBe(true);
    expect(lb.objectives?.map((o) => o.metric)).toEqual(['val_loss', 'forgetting']);
  });
});
