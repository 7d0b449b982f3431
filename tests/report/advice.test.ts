// One recommendation per trial, chosen from the sweep's own evidence (src/report/analysis/advice.ts):
// a neighbour that did better, else the trial's curve, else the range searched, else "not tested";
// the learning rate's direction decided once per rate; advice that fits the trial's method. The
// fixture is the main job's shape (sweeps/spam-grid.json: lr × batch × epochs, val_accuracy).
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render/report.js';
import { buildLeaderboard, type Leaderboard } from '../../src/report/view/leaderboard.js';
import { params, sweep, trial } from './curves.js';
import { mainJob, t } from './main-job.js';

const spec = (method: string) => ({
  name: 'spam-grid',
  task: { type: 'classification', method },
  objective: { metric: 'val_accuracy', goal: 'maximize' },
  parameters: { learning_rate: { values: [1e-6, 1e-3, 1e-2] }, batch_size: { values: [16, 32] }, epochs: { values: [1, 3] } },
});

const board = (method = 'full', trials = mainJob()): Leaderboard => buildLeaderboard({ spec: spec(method), state: sweep(trials) });
const rowOf = (lb: Leaderboard, id: string) => lb.rows.find((r) => r.id === id)!;

describe('advice backed by the sweep', () => {
  it('cites the neighbour that did better: t010 is told "more epochs" by t011, the same with 3 epochs', () => {
    const lb = board();
    expect(rowOf(lb, 't010').flags.map((f) => f.name)).toContain('underfitting');
    const r = rowOf(lb, 't010').recommendation!;
    expect(r.text).toBe('more epochs: t011, the same with 3 epochs, reached 0.933 (+0.15)');
    expect(r.evidence).toMatchObject({ kind: 'neighbour', trial: 't011', parameter: 'epochs', value: 3, reached: 0.933 });
    expect((r.evidence as { gain: number }).gain).toBeCloseTo(0.15, 10);
    // The JSON report carries it as recommendation.evidence.
    const json = JSON.parse(renderReport({ spec: spec('full'), state: sweep(mainJob()) }, { format: 'json' })) as Leaderboard;
    expect(rowOf(json, 't010').recommendation?.evidence).toEqual(r.evidence);
    // A rate the sweep shows better: t000 (lr 1e-6) is pointed at t004, the same at 1e-3.
    expect(rowOf(lb, 't000').recommendation?.text).toBe('higher LR: t004, the same with lr 1e-3, reached 0.875 (+0.117)');
  });

  it('judges a configuration run several times (finesweep rerun) on its mean, not on its luckiest run', () => {
    // t011 again with two more seeds: 0.933, 0.905, 0.881 (mean 0.9063).
    const repeat = (id: string, acc: number) => ({ ...t(id, 1e-2, 32, [[0.45, 0.35, 0.85], [0.19, 0.224, 0.87], [0.1, 0.19, acc]]), repeatOf: 't011' });
    const lb = board('full', [...mainJob(), repeat('t011-r1', 0.905), repeat('t011-r2', 0.881)]);
    const r = rowOf(lb, 't010').recommendation!;
    expect(r.text).toBe('more epochs: t011, the same with 3 epochs, reached 0.9063 on average over 3 runs (+0.123)');
    expect(r.evidence).toMatchObject({ kind: 'neighbour', trial: 't011', parameter: 'epochs', value: 3, runs: 3 });
    expect((r.evidence as { reached: number }).reached).toBeCloseTo((0.933 + 0.905 + 0.881) / 3, 10);
    // Run once, t011 was quoted at its 0.933.
    expect(rowOf(board(), 't010').recommendation?.text).toBe('more epochs: t011, the same with 3 epochs, reached 0.933 (+0.15)');
  });

  it('decides the learning rate once per rate: trials that differ only in something else never get opposite directions', () => {
    for (const method of ['full', 'top_k']) {
      const lb = board(method);
      const directions = new Map<number, Set<string>>();
      for (const row of lb.rows) {
        const text = row.recommendation?.text ?? '';
        const dir = /^(higher LR|raise)/.test(text) ? 'up' : /^(lower LR|lower the learning rate)/.test(text) ? 'down' : undefined;
        if (!dir) continue;
        const lr = row.params.learning_rate as number;
        directions.set(lr, (directions.get(lr) ?? new Set()).add(dir));
      }
      for (const [lr, dirs] of directions) expect([...dirs], `lr ${lr}`).toHaveLength(1);
      // t008 and t010 differ only in batch size, and lr 1e-2 is the sweep's best rate: neither is
      // told to move it (before, t008 was told "lower LR" and t010 "higher LR").
      for (const id of ['t008', 't010']) expect(rowOf(lb, id).recommendation?.text ?? '').not.toMatch(/LR|learning rate/);
    }
  });

  it('fits the trial: no "unfreeze" for a full fine-tune, no "freeze more" for a head-only one', () => {
    const all = (lb: Leaderboard): string => lb.rows.flatMap((r) => [r.recommendation?.text ?? '', ...r.flags.map((f) => f.advice)]).join('\n');
    const full = all(board('full'));
    expect(full).not.toMatch(/unfreeze/i);
    expect(full).toMatch(/freeze more/);
    const head = all(board('head'));
    expect(head).not.toMatch(/freeze more/i);
    // The same curves under top_k may hear both.
    expect(all(board('top_k'))).toMatch(/unfreeze more layers/);
  });

  it('says what to try and that the sweep did not test it when it holds no evidence', () => {
    // t008 forgets (off the front: t011 scored better and forgot less); its rate is the best, one
    // epoch cannot be fewer, and the method was not swept.
    const r = rowOf(board('full'), 't008').recommendation!;
    expect(r).toEqual({ flag: 'forgetting', text: 'freeze more (method top_k or head): the sweep did not test it', evidence: { kind: 'untested' } });
  });

  it("falls back to the trial's own curve, and drops a move the sweep tried without gain", () => {
    // t011 is still improving: no trial with more epochs, so its last evaluations are the evidence.
    const best = rowOf(board(), 't011').recommendation!;
    expect(best.text).toBe('more epochs: val accuracy still improving over the last evaluations (0.854 → 0.904 → 0.933 by epoch 3)');
    expect(best.evidence).toEqual({
      kind: 'curve',
      metric: 'val_accuracy',
      trend: 'improving',
      points: [
        { epoch: 1, value: 0.854 },
        { epoch: 2, value: 0.904 },
        { epoch: 3, value: 0.933 },
      ],
    });
    // If t007 (3 epochs) had done worse than t006 (1 epoch), "more epochs" would be contradicted.
    const worse = mainJob().map((x) => (x.id === 't007' ? t('t007', 1e-3, 32, [[0.6, 0.55, 0.7], [0.6, 0.56, 0.7], [0.6, 0.57, 0.7]]) : x));
    expect(rowOf(board('full', worse), 't006').recommendation?.text ?? '').not.toMatch(/^more epochs/);
    expect(rowOf(board('full'), 't006').recommendation?.text).toMatch(/^more epochs: t007, the same with 3 epochs/);
  });

  it('names an evaluation within an epoch by its step (evaluations every N steps)', () => {
    const points = [0.5, 1, 1.5, 2].map((epoch, i) => ({ epoch, step: (i + 1) * 30, train_loss: [0.5, 0.3, 0.1, 0.05][i], val_loss: [0.4, 0.3, 0.45, 0.6][i], val_accuracy: 0.8, seconds: 1 }));
    const over = trial('steps', points, { params: params(1e-3, 64, 2) });
    const r = rowOf(board('full', [...mainJob(), over]), 'steps').recommendation!;
    expect(r.text).toBe('fewer epochs: val loss turned at epoch 1 (0.3) and rose to 0.6 by epoch 2');
    expect(r.evidence).toEqual({ kind: 'curve', metric: 'val_loss', trend: 'turned', points: [{ epoch: 1, step: 60, value: 0.3 }, { epoch: 2, step: 120, value: 0.6 }] });
    const mid = points.map((p) => (p.epoch === 1 ? { ...p, val_loss: 0.35 } : p.epoch === 1.5 ? { ...p, val_loss: 0.3 } : p));
    const r2 = rowOf(board('full', [...mainJob(), trial('mid', mid, { params: params(1e-3, 64, 2) })]), 'mid').recommendation!;
    expect(r2.text).toBe('fewer epochs: val loss turned at epoch 1.5 (step 90) (0.3) and rose to 0.6 by epoch 2');
  });

  it('overfitting with no neighbour: fewer epochs, where the validation loss turned', () => {
    const over = t('over', 1e-3, 64, [[0.5, 0.4, 0.8], [0.3, 0.3, 0.85], [0.1, 0.45, 0.8], [0.05, 0.6, 0.78]]);
    const r = rowOf(board('full', [...mainJob(), over]), 'over').recommendation!;
    expect(r.flag).toBe('overfitting');
    expect(r.text).toBe('fewer epochs: val loss turned at epoch 2 (0.3) and rose to 0.6 by epoch 4');
    expect(r.evidence).toEqual({ kind: 'curve', metric: 'val_loss', trend: 'turned', points: [{ epoch: 2, value: 0.3 }, { epoch: 4, value: 0.6 }] });
  });
});
