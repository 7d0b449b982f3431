// The seeded generator everything random in a sweep derives from.
import { describe, expect, it } from 'vitest';
import { deriveSeed, Sfc32 } from '../../src/rng.js';

describe('Sfc32', () => {
  it('gives the same stream on every machine (values from an independent Python sfc32)', () => {
    const r = new Sfc32(0);
    expect([r.uint32(), r.uint32(), r.uint32()]).toEqual([548183886, 1097162541, 2219297441]);
    const r42 = new Sfc32(42);
    expect([r42.uint32(), r42.uint32()]).toEqual([3825871779, 1851418855]);
  });

  it('repeats a stream for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const r = new Sfc32(seed);
      return Array.from({ length: 50 }, () => r.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('next() is in [0, 1) with mean near 1/2', () => {
    const r = new Sfc32(1);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 50_000 - 0.5)).toBeLessThan(0.01);
  });

  it('int(lo, hi) hits both ends and nothing outside', () => {
    const r = new Sfc32(2);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const k = r.int(-2, 3);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(c).toBeGreaterThan(800); // 1000 expected each
  });

  it('normal() has mean 0 and variance 1', () => {
    const r = new Sfc32(3);
    const xs = Array.from({ length: 40_000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('refuses a seed that is not an unsigned 32-bit integer', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => new Sfc32(bad)).toThrow(RangeError);
    expect(() => new Sfc32(2 ** 32 - 1)).not.toThrow();
  });
});

describe('deriveSeed', () => {
  it('hashes its parts to a stable unsigned 32-bit integer', () => {
    expect(deriveSeed(42, 't000-abc')).toBe(3386113770);
    expect(deriveSeed('x')).toBe(496004307);
    const s = deriveSeed('sweep', 7, 'trial');
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });

  it('depends on every part, their order and their types', () => {
    const seeds = [deriveSeed(1, 'a'), deriveSeed('a', 1), deriveSeed(1, 'b'), deriveSeed(2, 'a'), deriveSeed('1', 'a'), deriveSeed(1), deriveSeed('1a')];
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it('spreads consecutive trial ids over the seed space', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => deriveSeed(0, `t${i}`));
    expect(new Set(seeds).size).toBe(1000);
    const high = seeds.filter((s) => s >= 2 ** 31).length;
    expect(high).toBeGreaterThan(430);
    expect(high).toBeLessThan(570);
  });
});
