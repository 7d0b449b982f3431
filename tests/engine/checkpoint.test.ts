import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadLatestCheckpoint, saveCheckpoint, type CheckpointMeta } from '../../src/engine/checkpoint.js';
import { checkpointDir } from '../../src/trial/layout.js';

function meta(step: number, extra: Partial<CheckpointMeta> = {}): CheckpointMeta {
  return { trialId: 't1', fingerprint: 'abc', epoch: step, batchIndex: 0, step, epochs: [], optimizer: { step }, ...extra };
}

describe('trial checkpoints', () => {
  it('keeps the newest two and loads the newest, with tensors and meta intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-ckpt-'));
    for (const step of [1, 2, 3]) {
      const w = tf.fill([2, 3], step);
      await saveCheckpoint(dir, { 'var/w': w }, meta(step));
      w.dispose();
    }
    expect(readdirSync(checkpointDir(dir)).length).toBe(2);
    const ckpt = await loadLatestCheckpoint(dir, 't1', 'abc');
    expect(ckpt?.meta.step).toBe(3);
    expect(Array.from(await ckpt!.tensors['var/w'].data())).toEqual([3, 3, 3, 3, 3, 3]);
    tf.dispose(Object.values(ckpt!.tensors));
  });

  it('falls back to the previous checkpoint when the newest fails its checksum or is cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-ckpt-'));
    for (const step of [4, 5]) {
      const w = tf.fill([4], step);
      await saveCheckpoint(dir, { 'var/w': w }, meta(step));
      w.dispose();
    }
    const newest = join(checkpointDir(dir), readdirSync(checkpointDir(dir)).sort().at(-1)!);
    const bytes = readFileSync(newest);
    bytes[bytes.length - 40] ^= 0xff; // flip a data byte
    writeFileSync(newest, bytes);
    const a = await loadLatestCheckpoint(dir, 't1', 'abc');
    expect(a?.meta.step).toBe(4);
    expect(a?.skipped[0]).toMatch(/checksum mismatch/);
    tf.dispose(Object.values(a!.tensors));
    writeFileSync(newest, bytes.subarray(0, 20)); // torn write
    const b = await loadLatestCheckpoint(dir, 't1', 'abc');
    expect(b?.meta.step).toBe(4);
    tf.dispose(Object.values(b!.tensors));
  });

  it('never resumes a checkpoint of another configuration, and returns nothing for an empty dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-ckpt-'));
    expect(await loadLatestCheckpoint(dir, 't1', 'abc')).toBeUndefined();
    const w = tf.zeros([1]);
    await saveCheckpoint(dir, { 'var/w': w }, meta(1, { fingerprint: 'other' }));
    w.dispose();
    const before = tf.memory().numTensors;
    expect(await loadLatestCheckpoint(dir, 't1', 'abc')).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });
});
