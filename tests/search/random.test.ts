// Property-style tests of random sampling over many seeds: bounds, integrality, steps, log space.
import { describe, expect, it } from 'vitest';
import { sampleDimension, sampleParams } from '../../src/search/random.js';
import { Sfc32 } from '../../src/rng.js';
import type { Dimension } from '../../src/search/space.js';

const draws = (d: Dimension, n: number, seed = 1) => {
  const rng = new Sfc32(seed);
  return Array.from({ length: n }, () => sampleDimension(d, rng) as number);
};

describe('sampleDimension', () => {
  it('keeps uniform and log_uniform draws inside [min, max] for many seeds and ranges', () => {
    const ranges = new Sfc32(99);
    for (let trial = 0; trial < 200; trial++) {
      const lo = 10 ** (-8 + 6 * ranges.next());
      const hi = lo * (1 + 1000 * ranges.next());
      for (const kind of ['uniform', 'log_uniform'] as const) {
        for (const x of draws({ name: 'x', kind, min: lo, max: hi }, 50, trial)) {
          expect(x).toBeGreaterThanOrEqual(lo);
          expect(x).toBeLessThanOrEqual(hi);
        }
      }
    }
  });

  it('log_uniform is uniform in log space: log10 draws average the middle and fill each decade equally', () => {
    const xs = draws({ name: 'learning_rate', kind: 'log_uniform', min: 1e-6, max: 1e-2 }, 20_000);
    const logs = xs.map(Math.log10);
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    expect(Math.abs(mean - -4)).toBeLessThan(0.05); // standard error ≈ 0.008
    for (let decade = -6; decade < -2; decade++) {
      const share = logs.filter((l) => l >= decade && l < decade + 1).length / logs.length;
      expect(Math.abs(share - 0.25)).toBeLessThan(0.02);
    }
  });

  it('plain uniform is not log-uniform (the test above can tell them apart)', () => {
    const logs = draws({ name: 'x', kind: 'uniform', min: 1e-6, max: 1e-2 }, 20_000).map(Math.log10);
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    expect(mean).toBeGreaterThan(-2.6);
  });

  it('int_uniform gives integers covering [min, max] inclusive', () => {
    for (let seed = 0; seed < 20; seed++) {
      const xs = draws({ name: 'epochs', kind: 'int_uniform', min: 1, max: 4 }, 200, seed);
      expect(xs.every(Number.isInteger)).toBe(true);
      expect(new Set(xs)).toEqual(new Set([1, 2, 3, 4]));
    }
  });

  it('q_uniform gives multiples of q inside [min, max], written without float noise', () => {
    const xs = draws({ name: 'dropout', kind: 'q_uniform', min: 0.05, max: 0.35, q: 0.1 }, 500);
    expect(new Set(xs)).toEqual(new Set([0.1, 0.2, 0.3]));
    const ints = draws({ name: 'batch_size', kind: 'q_uniform', min: 8, max: 64, q: 8 }, 500);
    expect(new Set(ints)).toEqual(new Set([8, 16, 24, 32, 40, 48, 56, 64]));
  });

  it('choice picks each value about equally often', () => {
    const rng = new Sfc32(5);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 9000; i++) {
      const v = String(sampleDimension({ name: 'method', kind: 'choice', values: ['head', 'top_k', 'full'] }, rng));
      counts[v] = (counts[v] ?? 0) + 1;
    }
    for (const v of ['head', 'top_k', 'full']) expect(Math.abs(counts[v]! - 3000)).toBeLessThan(250);
  });
});

describe('sampleParams', () => {
  it('draws one value per dimension, the same ones for the same seed', () => {
    const space: Dimension[] = [
      { name: 'learning_rate', kind: 'log_uniform', min: 1e-5, max: 1e-3 },
      { name: 'batch_size', kind: 'choice', values: [8, 16] },
      { name: 'epochs', kind: 'fixed', value: 3 },
    ];
    const a = sampleParams(space, new Sfc32(11));
    expect(Object.keys(a)).toEqual(['learning_rate', 'batch_size', 'epochs']);
    expect(a.epochs).toBe(3);
    expect(sampleParams(space, new Sfc32(11))).toEqual(a);
    expect(sampleParams(space, new Sfc32(12))).not.toEqual(a);
  });
});
