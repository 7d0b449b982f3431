// fANOVA importance on synthetic objectives whose answer is known: one parameter that matters and one
// that is pure noise; and a pure interaction, where neither matters alone.
import { describe, expect, it } from 'vitest';
import { parameterImportance } from '../../src/report/analysis/importance.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const draw = (n: number, f: (x: number, z: number, r: () => number) => number, seed = 3) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const x = r();
    const z = r();
    return { params: { x, z, lr: 10 ** (-6 + 5 * r()) }, value: f(x, z, r) };
  });
};

describe('parameter importance (fANOVA on a random forest)', () => {
  it('gives the parameter that matters nearly all of the variance and the noise parameter nearly none', () => {
    const imp = parameterImportance(draw(200, (x) => 3 * x * x), ['x', 'z'])!;
    expect(imp.method).toBe('fANOVA (random forest)');
    expect(imp.params[0].name).toBe('x');
    expect(imp.params[0].importance).toBeGreaterThan(0.85);
    expect(imp.params.find((p) => p.name === 'z')!.importance).toBeLessThan(0.05);
  });

  it('finds an interaction where neither parameter matters alone', () => {
    const imp = parameterImportance(draw(300, (x, z) => (x - 0.5) * (z - 0.5)), ['x', 'z'])!;
    for (const p of imp.params) expect(p.importance).toBeLessThan(0.15);
    expect(imp.interactions[0].params.sort()).toEqual(['x', 'z']);
    expect(imp.interactions[0].importance).toBeGreaterThan(0.6);
  });

  it('models the learning rate in log space and a categorical parameter by its values', () => {
    const r = rng(9);
    const rows = Array.from({ length: 120 }, () => {
      const lr = 10 ** (-6 + 5 * r());
      const method = ['full', 'head', 'top_k'][Math.floor(r() * 3)];
      return { params: { learning_rate: lr, method, noise: r() }, value: (Math.log10(lr) + 3) ** 2 + (method === 'head' ? 4 : 0) };
    });
    const imp = parameterImportance(rows, ['learning_rate', 'method', 'noise'])!;
    const of = (n: string) => imp.params.find((p) => p.name === n)!.importance;
    expect(of('learning_rate')).toBeGreaterThan(0.2);
    expect(of('method')).toBeGreaterThan(0.2);
    expect(of('noise')).toBeLessThan(0.05);
  });

  it('says nothing with too few trials or no parameter that varies', () => {
    expect(parameterImportance(draw(4, (x) => x), ['x'])).toBeUndefined();
    expect(parameterImportance(draw(50, (x) => x).map((r) => ({ ...r, params: { x: 1 } })), ['x'])).toBeUndefined();
  });
});
