import { describe, expect, it } from 'vitest';
import { bestEpoch } from '../../src/trial/objective.js';
import { rankTrials } from '../../src/report/analysis/rank.js';
import { CURVES, epochs, trial } from './curves.js';

const minLoss = { metric: 'val_loss', goal: 'minimize' } as const;
const maxAcc = { metric: 'val_accuracy', goal: 'maximize' } as const;
const order = (rs: { trial: { id: string } }[]): string[] => rs.map((r) => r.trial.id);

describe('ranking', () => {
  it('ranks by the objective at each trial’s best epoch, not its last', () => {
    // healthy 0.299 < improving 0.35 < overfit 0.45 (its best, at epoch 2; its last is 0.72).
    const ranked = rankTrials([trial('overfit', CURVES.overfit), trial('healthy', CURVES.healthy), trial('improving', CURVES.improving)], minLoss);
    expect(order(ranked)).toEqual(['healthy', 'improving', 'overfit']);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(ranked[2].best).toEqual({ epoch: 2, value: 0.45 });
  });

  it('ranks a maximized objective highest first', () => {
    const a = trial('a', epochs([0.5, 0.4], [0.5, 0.45], [0.8, 0.85]));
    const b = trial('b', epochs([0.5, 0.4], [0.5, 0.6], [0.9, 0.7]));
    const ranked = rankTrials([a, b], maxAcc);
    expect(order(ranked)).toEqual(['b', 'a']);
    expect(ranked[0].best).toEqual({ epoch: 1, value: 0.9 });
  });

  it('breaks a tie by the objective at the last epoch, then by wall time, then by index', () => {
    const fades = trial('fades', epochs([0.5, 0.4], [0.3, 0.5]));
    const holds = trial('holds', epochs([0.5, 0.4], [0.3, 0.31]));
    expect(order(rankTrials([fades, holds], minLoss))).toEqual(['holds', 'fades']);
    const slow = trial('slow', epochs([0.5], [0.3]), { seconds: 50 });
    const fast = trial('fast', epochs([0.5], [0.3]), { seconds: 20 });
    expect(order(rankTrials([slow, fast], minLoss))).toEqual(['fast', 'slow']);
    const first = trial('first', epochs([0.5], [0.3]), { seconds: 20 });
    const second = trial('second', epochs([0.5], [0.3]), { seconds: 20 });
    expect(order(rankTrials([second, first], minLoss))).toEqual(['first', 'second']);
  });

  it('lists failed, diverged, stopped, running and pending trials after the ranked ones, unranked, never dropped', () => {
    const trials = [
      trial('failed', [], { status: 'failed', reason: 'out of memory' }),
      trial('pending', [], { status: 'pending' }),
      trial('diverged', CURVES.divergedNaN, { status: 'diverged' }),
      trial('running', epochs([0.3], [0.1]), { status: 'running' }),
      trial('stopped_early', epochs([0.6], [0.6]), { status: 'stopped_early' }),
      trial('stopped', epochs([0.6], [0.5]), { status: 'stopped' }),
      trial('done-no-epochs', [], { status: 'completed' }),
      trial('worse', CURVES.overfit),
      trial('better', CURVES.healthy),
    ];
    const ranked = rankTrials(trials, minLoss);
    expect(order(ranked)).toEqual(['better', 'worse', 'running', 'stopped_early', 'stopped', 'done-no-epochs', 'diverged', 'failed', 'pending']);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('ignores NaN epochs when finding the best epoch', () => {
    expect(bestEpoch(CURVES.divergedNaN, minLoss)).toEqual({ epoch: 1, value: 0.6 });
    expect(bestEpoch([], minLoss)).toBeUndefined();
  });
});
