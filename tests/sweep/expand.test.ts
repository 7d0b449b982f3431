// Property-style tests of the controller's expansion: sizes, bounds, determinism, stable ids.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { Sfc32 } from '../../src/rng.js';
import { validateSpec } from '../../src/spec/load.js';
import type { ResolvedSpec } from '../../src/spec/types.js';
import { expandTrials } from '../../src/sweep/expand.js';

function spec(overrides: Record<string, unknown>): ResolvedSpec {
  return validateSpec(
    {
      name: 'expand',
      seed: 5,
      task: { type: 'classification', model: 'm', data: { train: 't.jsonl' } },
      parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 8 }, epochs: { value: 1 } },
      ...overrides,
    },
    'spec.json',
  );
}

const randomSpace = {
  learning_rate: { distribution: 'log_uniform', min: 1e-6, max: 1e-2 },
  batch_size: { values: [8, 16, 32, 64] },
  epochs: { distribution: 'int_uniform', min: 1, max: 5 },
  dropout: { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.05 },
  weight_decay: { distribution: 'uniform', min: 0, max: 0.1 },
};

const ID = /^t\d{3,}-[0-9a-f]{8}$/;

describe('grid expansion', () => {
  it('has as many trials as the product of the value counts, all distinct, for many random grids', () => {
    const gen = new Sfc32(2024);
    for (let round = 0; round < 40; round++) {
      const counts = [1, 2, 3, 4].map(() => gen.int(1, 4));
      const values = (n: number, scale: number) => ({ values: Array.from({ length: n }, (_, i) => (i + 1) * scale) });
      const trials = expandTrials(
        spec({
          parameters: {
            learning_rate: values(counts[0]!, 1e-4),
            batch_size: values(counts[1]!, 8),
            epochs: values(counts[2]!, 1),
            weight_decay: values(counts[3]!, 0.01),
          },
        }),
      );
      expect(trials).toHaveLength(counts.reduce((a, b) => a * b, 1));
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(trials.length);
      expect(new Set(trials.map((t) => t.id)).size).toBe(trials.length);
      expect(trials.map((t) => t.index)).toEqual(trials.map((_, i) => i));
      expect(trials.every((t) => ID.test(t.id) && t.id.startsWith(`t${String(t.index).padStart(3, '0')}-`))).toBe(true);
    }
  });

  it('gives the same trials and ids whatever the order of keys in the spec', () => {
    const a = expandTrials(spec({ parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { values: [8, 16] }, epochs: { value: 2 } } }));
    const b = expandTrials(spec({ parameters: { epochs: { value: 2 }, batch_size: { values: [8, 16] }, learning_rate: { values: [1e-4, 1e-3] } } }));
    expect(b).toEqual(a);
    expect(a.map((t) => [t.params.learning_rate, t.params.batch_size])).toEqual([
      [1e-4, 8],
      [1e-4, 16],
      [1e-3, 8],
      [1e-3, 16],
    ]);
  });

  it("gives a trial the same id in another sweep when its index and parameters match (the seed doesn't enter)", () => {
    const p = { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { value: 8 }, epochs: { value: 1 } };
    expect(expandTrials(spec({ seed: 1, parameters: p })).map((t) => t.id)).toEqual(
      expandTrials(spec({ seed: 2, parameters: p })).map((t) => t.id),
    );
  });

  it('refuses more than 10,000 trials unless maxTrials allows them, naming the size and --max-trials', () => {
    const many = (n: number) => ({ values: Array.from({ length: n }, (_, i) => i + 1) });
    const big = spec({ parameters: { learning_rate: { value: 1e-3 }, batch_size: many(101), epochs: many(100) } });
    expect(() => expandTrials(big)).toThrow(InputError);
    expect(() => expandTrials(big)).toThrow(
      '/parameters: the grid has 10,100 trials, more than the limit of 10,000; pass --max-trials 10100 to run it anyway, or use strategy "random"',
    );
    expect(expandTrials(big, { maxTrials: 10_100 })).toHaveLength(10_100);
    expect(() => expandTrials(spec({ parameters: { learning_rate: { value: 1e-3 }, batch_size: many(5), epochs: many(2) } }), { maxTrials: 9 })).toThrow(
      /the grid has 10 trials, more than the limit of 9/,
    );
  });
});

describe('random expansion', () => {
  const random = (seed: number, trials = 30) => spec({ seed, strategy: { type: 'random', trials }, parameters: randomSpace });

  it('draws `trials` trials inside the bounds, with ints as ints and q_uniform on its steps, for many seeds', () => {
    for (let seed = 0; seed < 30; seed++) {
      const trials = expandTrials(random(seed));
      expect(trials).toHaveLength(30);
      for (const { params } of trials) {
        const lr = params.learning_rate as number;
        expect(lr >= 1e-6 && lr <= 1e-2).toBe(true);
        expect([8, 16, 32, 64]).toContain(params.batch_size);
        expect(Number.isInteger(params.epochs) && (params.epochs as number) >= 1 && (params.epochs as number) <= 5).toBe(true);
        const d = params.dropout as number;
        expect(d >= 0 && d <= 0.5).toBe(true);
        expect(Math.abs(d / 0.05 - Math.round(d / 0.05))).toBeLessThan(1e-9);
        const wd = params.weight_decay as number;
        expect(wd >= 0 && wd <= 0.1).toBe(true);
      }
    }
  });

  it('is uniform in log space for a log_uniform learning rate across the trials of many sweeps', () => {
    const logs = Array.from({ length: 40 }, (_, seed) => expandTrials(random(seed, 100)))
      .flat()
      .map((t) => Math.log10(t.params.learning_rate as number));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    expect(Math.abs(mean - -4)).toBeLessThan(0.06);
  });

  it('gives identical trials for the same spec and different ones for another seed', () => {
    expect(expandTrials(random(7))).toEqual(expandTrials(random(7)));
    const a = expandTrials(random(7)).map((t) => t.params);
    const b = expandTrials(random(8)).map((t) => t.params);
    expect(a).not.toEqual(b);
  });

  it('keeps the first trials when more are asked for (a sweep can grow)', () => {
    const ten = expandTrials(random(3, 10));
    const twenty = expandTrials(random(3, 20));
    expect(twenty.slice(0, 10).map((t) => t.params)).toEqual(ten.map((t) => t.params));
  });

  it('gives unique, readable ids', () => {
    const trials = expandTrials(random(1, 200));
    expect(new Set(trials.map((t) => t.id)).size).toBe(200);
    expect(trials.every((t) => ID.test(t.id))).toBe(true);
  });

  it('draws a repeated point again, so a small discrete space yields every point once', () => {
    const small = spec({
      strategy: { type: 'random', trials: 6 },
      parameters: { learning_rate: { values: [1e-4, 1e-3, 1e-2] }, batch_size: { values: [8, 16] }, epochs: { value: 1 } },
    });
    for (let seed = 0; seed < 10; seed++) {
      const trials = expandTrials({ ...small, seed });
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
    }
  });

  it('refuses more trials than the space has points, with a clear error', () => {
    const small = spec({
      strategy: { type: 'random', trials: 2 },
      parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { value: 8 }, epochs: { value: 1 } },
    });
    // The validator refuses it too; expandTrials must hold on its own for other callers.
    const tooMany = { ...small, strategy: { ...small.strategy, trials: 5 } };
    expect(() => expandTrials(tooMany)).toThrow('/strategy/trials: 5 trials requested but the parameter space has only 2 distinct combinations');
  });
});

describe('tpe expansion', () => {
  it('returns only the n_startup_trials random trials, the same as random search draws first', () => {
    const tpe = spec({ strategy: { type: 'tpe', trials: 20, n_startup_trials: 4 }, parameters: randomSpace });
    const random = spec({ strategy: { type: 'random', trials: 20 }, parameters: randomSpace });
    const startup = expandTrials(tpe);
    expect(startup).toHaveLength(4);
    expect(startup.map((t) => t.params)).toEqual(expandTrials(random).slice(0, 4).map((t) => t.params));
    expect(startup.map((t) => t.id)).toEqual(expandTrials(random).slice(0, 4).map((t) => t.id));
  });

  it('never returns more startup trials than trials', () => {
    const tpe = spec({ strategy: { type: 'tpe', trials: 2 }, parameters: randomSpace });
    expect(expandTrials(tpe)).toHaveLength(2);
  });
});

describe('expandTrials', () => {
  it('does not modify the spec', () => {
    const s = spec({ strategy: { type: 'random', trials: 5 }, parameters: randomSpace });
    const before = JSON.stringify(s);
    expandTrials(s);
    expect(JSON.stringify(s)).toBe(before);
  });
});
