// Property tests of the number formatters over extreme values: every number gives a string, never an
// exception (a 10,000-trial sweep's store holds subnormals, 1e300, -0, NaN and huge learning rates).
import { describe, expect, it } from 'vitest';
import { fmtDiff, fmtNum, fmtParam, fmtPct, fmtSci, fmtSeconds } from '../../src/report/format.js';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { renderReport } from '../../src/report/render/report.js';
import { foldTrials } from '../../src/store/fold.js';
import { syntheticEvents, syntheticSpec } from '../../bench/sweep-journal.js';

const EXTREMES = [0, -0, 1e-320, -1e-320, 5e-324, 1e-300, 1e-100, 1e-7, 1e-4, 9.99995e-5, 0.5, 1, 59.99, 60, 3599.6, 1e6, 1e21, 1e100, 1e300, 1.7976931348623157e308, -1e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER];

/** A seeded stream of numbers across every magnitude and sign. */
function* numbers(n: number, seed = 7): Generator<number> {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const x of EXTREMES) yield x;
  for (let i = 0; i < n; i++) yield (next() < 0.5 ? -1 : 1) * next() * 10 ** Math.floor(next() * 640 - 324);
}

const DIGITS = [-5, 0, 1, 2, 4, 17, 100, 101, 1000, Number.NaN, Number.POSITIVE_INFINITY];

describe('number formatters over extreme values', () => {
  it('never throw and always return a string, whatever the number and digit count', () => {
    for (const x of numbers(1500)) {
      for (const d of DIGITS) {
        expect(typeof fmtNum(x, d)).toBe('string');
        expect(typeof fmtSci(x, d)).toBe('string');
      }
      for (const f of [fmtPct, fmtDiff, fmtSeconds, (v: number) => fmtParam('learning_rate', v), (v: number) => fmtParam('weight_decay', v)]) expect(typeof f(x)).toBe('string');
    }
  });

  it('keep finite numbers finite and read back close to their value', () => {
    for (const x of numbers(3000)) {
      if (!Number.isFinite(x)) {
        expect(fmtNum(x)).toBe(String(x));
        continue;
      }
      const back = Number(fmtNum(x, 4));
      // Rounding to 4 digits may carry the largest doubles past the largest double.
      if (Math.abs(x) < 1e307) expect(Number.isFinite(back)).toBe(true);
      if (x === 0) expect(fmtNum(x)).toBe('0');
      else if (Math.abs(x) > 1e-300 && Math.abs(x) < 1e307) expect(Math.abs(back - x) / Math.abs(x)).toBeLessThan(1e-3);
      expect(fmtSci(x)).toMatch(/^(0|-?\d(\.\d+)?e-?\d+)$/);
    }
  });

  it('write tiny and huge learning rates in scientific notation', () => {
    expect(fmtParam('learning_rate', 1e-320)).toBe('1e-320');
    expect(fmtParam('learning_rate', 3e-4)).toBe('3e-4');
    expect(fmtParam('learning_rate', 1e300)).toBe('1e300');
    expect(fmtParam('learning_rate', 5)).toBe('5e0');
    expect(fmtNum(-0)).toBe('0');
    expect(fmtPct(0.081)).toBe('+8.1%');
    expect(fmtPct(11.12)).toBe('+1,112%');
    expect(fmtPct(-0.0003)).toBe('−0.03%');
    expect(fmtSeconds(1e300)).toMatch(/d$/);
  });

  it('write loss differences (the gap column) at one precision, signed as percentages are', () => {
    // The main job's gaps, once 0.0951 / -0.00643 / -0.000463 in one column.
    expect([0.09515, -0.00643, -0.000463, 0.000722].map((x) => fmtDiff(x))).toEqual(['0.095', '−0.006', '0.000', '0.001']);
    expect(fmtDiff(-1.5e7)).toBe('−1.5e7');
    expect(fmtDiff(Number.NaN)).toBe('NaN');
    expect(fmtDiff(undefined)).toBe('');
  });
});

describe('the reporter on a sweep full of extreme numbers', () => {
  it('renders every text format of a 1,000-trial synthetic sweep without throwing', () => {
    const spec = syntheticSpec(1000);
    const state = foldTrials(syntheticEvents(1000, spec));
    const lb = buildLeaderboard({ spec, state });
    expect(lb.rows.length).toBe(1000);
    for (const format of ['table', 'md', 'csv', 'json'] as const) expect(renderReport({ spec, state }, { format, top: format === 'table' ? 20 : undefined }).length).toBeGreaterThan(1000);
  });
});
