// A named-tensor file with a checksum, written atomically: checkpoints and anything else that must
// survive kill -9. Layout: "FSWTENS1" | u32 LE header length | header JSON | raw little-endian data
// | sha256 of everything before it (32 bytes). A torn or corrupted file fails the checksum.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { atomicWrite } from '../atomic-write.js';

const MAGIC = Buffer.from('FSWTENS1', 'latin1');
const HASH_BYTES = 32;

interface Header {
  tensors: Array<{ name: string; dtype: 'float32' | 'int32'; shape: number[]; offset: number; length: number }>;
  meta: unknown;
}

/** The file is not a valid tensor file; the message names it. */
export class TensorFileError extends Error {
  override name = 'TensorFileError';
}

export async function saveTensors(path: string, tensors: Record<string, tf.Tensor>, meta?: object): Promise<void> {
  const header: Header = { tensors: [], meta: meta ?? null };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    const dtype = t.dtype === 'int32' || t.dtype === 'bool' ? 'int32' : 'float32';
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new Error(`saveTensors: tensor "${name}" has unsupported dtype ${t.dtype}`);
    }
    const data = dtype === 'int32' ? Int32Array.from(await t.data()) : Float32Array.from(await t.data());
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    header.tensors.push({ name, dtype, shape: t.shape, offset, length: buf.length });
    chunks.push(buf);
    offset += buf.length;
  }
  const headerBuf = Buffer.from(JSON.stringify(header), 'utf8');
  const lengthBuf = Buffer.alloc(4);
  lengthBuf.writeUInt32LE(headerBuf.length);
  const body = Buffer.concat([MAGIC, lengthBuf, headerBuf, ...chunks]);
  const hash = createHash('sha256').update(body).digest();
  await atomicWrite(path, [body, hash]);
}

export async function loadTensors(path: string): Promise<{ tensors: Record<string, tf.Tensor>; meta: unknown }> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (err) {
    throw new TensorFileError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (file.length < MAGIC.length + 4 + HASH_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new TensorFileError(`${path}: not a finesweep tensor file (bad magic or truncated)`);
  }
  const body = file.subarray(0, file.length - HASH_BYTES);
  const stored = file.subarray(file.length - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(stored)) {
    throw new TensorFileError(`${path}: checksum mismatch (the file is corrupted or was partly written)`);
  }
  const headerLength = body.readUInt32LE(MAGIC.length);
  const dataStart = MAGIC.length + 4 + headerLength;
  let header: Header;
  try {
    header = JSON.parse(body.subarray(MAGIC.length + 4, dataStart).toString('utf8')) as Header;
  } catch {
    throw new TensorFileError(`${path}: unreadable header`);
  }
  const tensors: Record<string, tf.Tensor> = {};
  for (const entry of header.tensors) {
    const start = dataStart + entry.offset;
    // Copy into an aligned buffer: a typed array view needs 4-byte alignment.
    const bytes = new Uint8Array(entry.length);
    bytes.set(body.subarray(start, start + entry.length));
    const values = entry.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    tensors[entry.name] = tf.tensor(values, entry.shape, entry.dtype);
  }
  return { tensors, meta: header.meta };
}
