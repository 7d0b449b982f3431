// One recommendation per trial, chosen from the sweep's own evidence (src/report/analysis/advice.ts):
// a neighbour that did better, else the trial's curve, else the range searched, else "not tested";
// the learning rate's direction decided once per rate; advice that fits the trial's method. The
// fixture is the main job's shape (sweeps/spam-grid.json: lr × batch × epochs, val_accuracy).
import { describe, expect, it } from 'vitest';
import type { TrialState } from '../../src/store/state.js';
import { renderReport } from '../../src/report/render/report.js';
import { buildLeaderboard, type Leaderboard } from '../../src/report/view/leaderboard.js';
import { params, sweep, trial } from './curves.js';

const spec = (method: string) => ({
  name: 'spam-grid',
  task: { type: 'classification', method },
  objective: { metric: 'val_accuracy', goal: 'maximize' },
  parameters: { learning_rate: { values: [1e-6, 1e-3, 1e-2] }, batch_size: { values: [16, 32] }, epochs: { values: [1, 3] } },
});

/** A trial of the grid: its train loss, val loss and val accuracy at each epoch, and its forgetting. */
function t(id: string, lr: number, batch: number, curve: Array<[number, number, number]>, ppl?: number): TrialState {
  const points = curve.map(([train, val, acc], i) => ({ epoch: i + 1, train_loss: train, val_loss: val, val_accuracy: acc, seconds: 40 }));
  return trial(id, points, { params: params(lr, batch, curve.length), ...(ppl ? { forgetting: { basePerplexity: 100, finalPerplexity: ppl } } : {}) });
}

/** The main job as it ran: lr 1e-2 best with 3 epochs (t011), one epoch too few at any rate, lr 1e-6 underfits. */
function mainJob(): TrialState[] {
  return [
    t('t000', 1e-6, 16, [[0.657, 0.65, 0.758]], 100.03),
    t('t001', 1e-6, 16, [[0.695, 0.689, 0.588], [0.685, 0.682, 0.675], [0.68, 0.68, 0.679]], 100.1),
    t('t002', 1e-6, 32, [[0.688, 0.689, 0.667]], 100.03),
    t('t003', 1e-6, 32, [[0.69, 0.69, 0.7], [0.68, 0.679, 0.69], [0.67, 0.669, 0.69]], 100.1),
    t('t004', 1e-3, 16, [[0.472, 0.35, 0.875]], 389),
    t('t005', 1e-3, 16, [[0.45, 0.33, 0.86], [0.25, 0.24, 0.89], [0.135, 0.192, 0.908]], 624),
    t('t006', 1e-3, 32, [[0.64, 0.52, 0.754]], 290),
    t('t007', 1e-3, 32, [[0.5, 0.42, 0.804], [0.3, 0.27, 0.892], [0.19, 0.237, 0.917]], 525),
    t('t008', 1e-2, 16, [[0.542, 0.392, 0.817]], 3319),
    t('t009', 1e-2, 16, [[0.4, 0.3, 0.892], [0.18, 0.205, 0.913], [0.057, 0.163, 0.929]], 2970),
    t('t010', 1e-2, 32, [[0.639, 0.576, 0.783]], 1233),
    t('t011', 1e-2, 32, [[0.45, 0.35, 0.854], [0.19, 0.224, 0.904], [0.095, 0.19, 0.933]], 2377),
  ];
}

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

  it('overfitting with no neighbour: fewer epochs, where the validation loss turned', () => {
    const over = t('over', 1e-3, 64, [[0.5, 0.4, 0.8], [0.3, 0.3, 0.85], [0.1, 0.45, 0.8], [0.05, 0.6, 0.78]]);
    const r = rowOf(board('full', [...mainJob(), over]), 'over').recommendation!;
    expect(r.flag).toBe('overfitting');
    expect(r.text).toBe('fewer epochs: val loss turned at epoch 2 (0.3) and rose to 0.6 by epoch 4');
    expect(r.evidence).toEqual({ kind: 'curve', metric: 'val_loss', trend: 'turned', points: [{ epoch: 2, value: 0.3 }, { epoch: 4, value: 0.6 }] });
  });
});
