// Backend choice: auto falls through to wasm here (tfjs-node cannot install), saying why.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activeBackend, selectBackend } from '../../src/engine/backend.js';
import { InputError } from '../../src/errors.js';

describe('selectBackend', () => {
  it('auto chooses the first backend that loads and says why the others were skipped', async () => {
    const chosen = await selectBackend('auto');
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(chosen.name);
    if (chosen.name === 'wasm') {
      // tfjs-node(-gpu) are optional dependencies; where absent, the reason names each one skipped.
      expect(chosen.reason).toMatch(/skipped tensorflow-gpu \(.+\); tensorflow \(.+\)/);
      expect(chosen.reason).toMatch(/SIMD, \d+ threads?/);
      expect(tf.getBackend()).toBe('wasm');
    }
    expect(activeBackend()).toEqual(chosen);
  });

  it('returns the active backend on a second call', async () => {
    const first = await selectBackend('auto');
    expect(await selectBackend('auto')).toBe(first);
    expect(await selectBackend(first.name)).toBe(first);
  });

  it('switches on an explicit different choice, and back', async () => {
    const cpu = await selectBackend('cpu');
    expect(cpu).toEqual({ name: 'cpu', reason: 'requested explicitly' });
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an explicit backend that cannot load, naming it and why', async () => {
    let tfjsNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      tfjsNode = false;
    }
    if (tfjsNode) return; // a machine with tfjs-node installed has nothing to reject here
    const err = await selectBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^backend "tensorflow" is not available: @tensorflow\/tfjs-node did not load/);
    expect(tf.getBackend()).toBe('wasm'); // the failed attempt left the active backend alone
  });
});
