// Checksummed tensor files: what is saved loads back bit for bit; any damage is detected and named.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { loadTensors, saveTensors } from '../../src/engine/weights.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

const dir = () => mkdtempSync(join(tmpdir(), 'fs-weights-'));

describe('saveTensors / loadTensors', () => {
  it('round-trips float32 and int32 tensors and the metadata exactly', async () => {
    const path = join(dir(), 'ckpt.bin');
    const a = tf.tensor2d([1.5, -2.25, 3e-8, 7], [2, 2]);
    const b = tf.tensor1d([1, 2, 3], 'int32');
    const s = tf.scalar(0.1);
    await saveTensors(path, { 'var/a': a, 'opt/b': b, s }, { epoch: 2, note: 'x' });
    const { tensors, meta } = await loadTensors(path);
    expect(meta).toEqual({ epoch: 2, note: 'x' });
    expect(Object.keys(tensors).sort()).toEqual(['opt/b', 's', 'var/a']);
    expect(tensors['var/a']!.shape).toEqual([2, 2]);
    expect(Array.from(tensors['var/a']!.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(tensors['opt/b']!.dtype).toBe('int32');
    expect(Array.from(tensors['opt/b']!.dataSync())).toEqual([1, 2, 3]);
    expect(tensors.s!.shape).toEqual([]);
    tf.dispose([a, b, s, ...Object.values(tensors)]);
  });

  it('leaves no temp file behind and replaces an existing file whole', async () => {
    const d = dir();
    const path = join(d, 'ckpt.bin');
    const t = tf.ones([3]);
    await saveTensors(path, { t });
    await saveTensors(path, { t }, { second: true });
    expect(readdirSync(d)).toEqual(['ckpt.bin']);
    expect((await loadTensors(path)).meta).toEqual({ second: true });
    t.dispose();
  });

  it('detects a flipped byte and a truncated file, naming the file', async () => {
    const path = join(dir(), 'ckpt.bin');
    const t = tf.tensor1d([1, 2, 3, 4]);
    await saveTensors(path, { t });
    t.dispose();
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 40]! ^= 0x01;
    writeFileSync(path, flipped);
    await expect(loadTensors(path)).rejects.toThrow(`${path}: checksum mismatch`);
    writeFileSync(path, bytes.subarray(0, bytes.length - 7));
    await expect(loadTensors(path)).rejects.toThrow(`${path}: checksum mismatch`);
    writeFileSync(path, 'hello');
    await expect(loadTensors(path)).rejects.toThrow(`${path}: not a finesweep tensor file`);
    await expect(loadTensors(join(dir(), 'absent.bin'))).rejects.toThrow(/absent\.bin: cannot read \(ENOENT\)/);
  });
});
