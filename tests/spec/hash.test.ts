import { describe, expect, it } from 'vitest';
import { canonicalJson, specHash } from '../../src/spec/hash.js';

describe('specHash', () => {
  it('ignores the order of keys at every level', () => {
    const a = { name: 'x', task: { type: 'classification', model: 'm' }, list: [1, { b: 2, a: 1 }] };
    const b = { list: [1, { a: 1, b: 2 }], task: { model: 'm', type: 'classification' }, name: 'x' };
    expect(specHash(a)).toBe(specHash(b));
    expect(canonicalJson(b)).toBe('{"list":[1,{"a":1,"b":2}],"name":"x","task":{"model":"m","type":"classification"}}');
  });

  it('changes with any value and keeps list order significant', () => {
    expect(specHash({ a: 1 })).not.toBe(specHash({ a: 2 }));
    expect(specHash([1, 2])).not.toBe(specHash([2, 1]));
  });

  it('is the sha256 hex of the canonical JSON', () => {
    // sha256('{"a":1}'), computed independently.
    expect(specHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });
});
