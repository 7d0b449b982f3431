import { describe, expect, it } from 'vitest';
import { accuracy, macroF1, perplexity, stepStride } from '../../src/engine/metrics.js';
import { learningRate } from '../../src/engine/lr-schedule.js';

describe('epoch metrics', () => {
  it('computes accuracy and macro-F1 by hand-checked examples', () => {
    const truth = [0, 0, 0, 0, 1, 1];
    const pred = [0, 0, 0, 1, 1, 0];
    expect(accuracy(pred, truth)).toBeCloseTo(4 / 6, 12);
    // class 0: tp 3, fp 1, fn 1 → F1 6/8; class 1: tp 1, fp 1, fn 1 → F1 2/4.
    expect(macroF1(pred, truth, 2)).toBeCloseTo((0.75 + 0.5) / 2, 12);
  });

  it('scores a majority-only classifier low on macro-F1 even with a high accuracy', () => {
    const truth = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const pred = new Array(10).fill(0);
    expect(accuracy(pred, truth)).toBe(0.8);
    expect(macroF1(pred, truth, 2)).toBeCloseTo((16 / 18) / 2, 12);
  });

  it('turns a mean token loss into perplexity and picks a step stride', () => {
    expect(perplexity(Math.log(42))).toBeCloseTo(42, 10);
    expect(stepStride(10)).toBe(1);
    expect(stepStride(120)).toBe(3);
  });

  it('warms up linearly, then decays linearly (or stays constant)', () => {
    expect(learningRate(1, 0, 100, 0.1, 'linear')).toBeCloseTo(0.1, 12);
    expect(learningRate(1, 9, 100, 0.1, 'linear')).toBeCloseTo(1, 12);
    expect(learningRate(1, 10, 100, 0.1, 'linear')).toBeCloseTo(1, 12);
    expect(learningRate(1, 55, 100, 0.1, 'linear')).toBeCloseTo(0.5, 12);
    expect(learningRate(1, 55, 100, 0.1, 'constant')).toBe(1);
    expect(learningRate(2, 0, 10, 0, 'constant')).toBe(2);
  });
});
