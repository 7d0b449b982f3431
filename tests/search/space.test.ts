// The parameter space of a spec: its order and its dimensions.
import { describe, expect, it } from 'vitest';
import { gridPoints, gridSize } from '../../src/search/grid.js';
import { dimensionSize, spaceSize, toSpace } from '../../src/search/space.js';

describe('toSpace', () => {
  it('lists learning_rate, batch_size, epochs first, then the rest by name, whatever the key order', () => {
    const a = toSpace({
      weight_decay: { value: 0 },
      epochs: { value: 1 },
      dropout: { values: [0, 0.1] },
      batch_size: { value: 8 },
      Zeta: { value: 1 },
      learning_rate: { value: 1e-3 },
    });
    expect(a.map((d) => d.name)).toEqual(['learning_rate', 'batch_size', 'epochs', 'Zeta', 'dropout', 'weight_decay']);
  });

  it('maps value, values and each distribution to a dimension', () => {
    const space = toSpace({
      learning_rate: { distribution: 'log_uniform', min: 1e-5, max: 1e-2 },
      batch_size: { values: [8, 16] },
      epochs: { value: 2 },
      dropout: { distribution: 'q_uniform', min: 0, max: 0.3, q: 0.1 },
      warmup_ratio: { distribution: 'uniform', min: 0, max: 0.2 },
      top_k: { distribution: 'int_uniform', min: 1, max: 3 },
    });
    expect(space).toEqual([
      { name: 'learning_rate', kind: 'log_uniform', min: 1e-5, max: 1e-2 },
      { name: 'batch_size', kind: 'choice', values: [8, 16] },
      { name: 'epochs', kind: 'fixed', value: 2 },
      { name: 'dropout', kind: 'q_uniform', min: 0, max: 0.3, q: 0.1 },
      { name: 'top_k', kind: 'int_uniform', min: 1, max: 3 },
      { name: 'warmup_ratio', kind: 'uniform', min: 0, max: 0.2 },
    ]);
    expect(space.map(dimensionSize)).toEqual([Infinity, 2, 1, 4, 3, Infinity]);
    expect(spaceSize(space.filter((d) => Number.isFinite(dimensionSize(d))))).toBe(2 * 1 * 4 * 3);
  });
});

describe('grid', () => {
  it('is the cartesian product with the first dimension slowest and values in written order', () => {
    const space = toSpace({ learning_rate: { values: [1, 2] }, batch_size: { values: ['a', 'b', 'c'] }, epochs: { value: 9 } });
    expect(gridSize(space)).toBe(6);
    expect([...gridPoints(space)]).toEqual([
      { learning_rate: 1, batch_size: 'a', epochs: 9 },
      { learning_rate: 1, batch_size: 'b', epochs: 9 },
      { learning_rate: 1, batch_size: 'c', epochs: 9 },
      { learning_rate: 2, batch_size: 'a', epochs: 9 },
      { learning_rate: 2, batch_size: 'b', epochs: 9 },
      { learning_rate: 2, batch_size: 'c', epochs: 9 },
    ]);
  });

  it('refuses a distribution', () => {
    const space = toSpace({ learning_rate: { distribution: 'uniform', min: 0, max: 1 }, batch_size: { value: 1 }, epochs: { value: 1 } });
    expect(() => gridSize(space)).toThrow(/grid takes only value\/values/);
  });
});
