// The on-disk base model: a directory that a fresh clone can fine-tune at once, and that users can
// produce for their own models (documented in docs/training.md, "The model directory format").
//   model.json          format id, architecture config, weights manifest (tfjs style), sha256 of weights.bin
//   weights.bin         float32 little-endian, the manifest's tensors concatenated in order
//   tokenizer.json      the byte-level BPE (tokenizer.ts)
//   model-card.json     corpus, licence, size, steps, held-out perplexity, seed (no dates: reproducible)
//   general-probe.jsonl {"text": ...} per line: held-out general text for the forgetting probe
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import { configProblems, TransformerLM, variableShapes, type ModelConfig } from './model.js';
import { Tokenizer } from './tokenizer.js';
import { atomicWrite, fsyncDir } from '../atomic-write.js';

export const MODEL_FORMAT = 'finesweep-transformer-lm';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  config: ModelConfig;
  /** Same shape as a tfjs weights manifest, so tf.io.decodeWeights reads weights.bin too. */
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: 'float32' }> }>;
  weightsSha256: string;
}

export interface ModelCard {
  name: string;
  description?: string;
  corpus?: { name: string; package?: string; version?: string; licence?: string; documents?: number; trainTokens?: number; heldOutTokens?: number; [key: string]: unknown };
  tokenizer?: { type: string; vocabSize: number };
  parameters?: number;
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  heldOutLoss?: number;
  heldOutPerplexity?: number;
  seed?: number;
  backend?: string;
  [key: string]: unknown;
}

export interface BaseModel {
  model: TransformerLM;
  tokenizer: Tokenizer;
  card: ModelCard;
  probeTexts: string[];
}

export const FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  tokenizer: 'tokenizer.json',
  card: 'model-card.json',
  probe: 'general-probe.jsonl',
} as const;

/** Loads a base model directory; bad input is an InputError naming the file and what was expected. */
export async function loadBaseModel(dir: string): Promise<BaseModel> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new InputError(`model directory ${root} does not exist (expected ${Object.values(FILES).join(', ')})`);
  }
  const modelPath = join(root, FILES.model);
  const json = readJson(modelPath) as Partial<ModelJSON>;
  if ('modelTopology' in json) {
    throw new InputError(
      `${modelPath}: a TensorFlow.js LayersModel, which finesweep cannot fine-tune yet; write the model in finesweep's format (format "${MODEL_FORMAT}", see docs/training.md, "The model directory format")`,
    );
  }
  if (json.format !== MODEL_FORMAT) {
    throw new InputError(`${modelPath}: "format" must be "${MODEL_FORMAT}", got ${JSON.stringify(json.format)}`);
  }
  if (json.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new InputError(`${modelPath}: unsupported formatVersion ${JSON.stringify(json.formatVersion)} (this finesweep reads ${MODEL_FORMAT_VERSION})`);
  }
  const problems = configProblems(json.config ?? {});
  if (problems.length) throw new InputError(problems.map((p) => `${modelPath}: config.${p}`));
  const config = json.config as ModelConfig;
  const specs = json.weightsManifest?.[0]?.weights;
  if (!Array.isArray(specs)) throw new InputError(`${modelPath}: "weightsManifest[0].weights" must list the weights`);
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const [name, shape] of variableShapes(config)) {
    const spec = byName.get(name);
    if (!spec) throw new InputError(`${modelPath}: weight "${name}" is missing from the manifest`);
    if (!Array.isArray(spec.shape) || !tf.util.arraysEqual(spec.shape, shape)) {
      throw new InputError(`${modelPath}: weight "${name}" has shape [${spec.shape}], expected [${shape}] for this config`);
    }
    if (spec.dtype !== 'float32') throw new InputError(`${modelPath}: weight "${name}" must be float32, got ${spec.dtype}`);
  }

  const weightsPath = join(root, FILES.weights);
  const bytes = readBytes(weightsPath);
  const expectedBytes = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.length !== expectedBytes) {
    throw new InputError(`${weightsPath}: ${bytes.length} bytes, expected ${expectedBytes} for the manifest in ${FILES.model}`);
  }
  if (typeof json.weightsSha256 === 'string' && sha256(bytes) !== json.weightsSha256) {
    throw new InputError(`${weightsPath}: checksum does not match weightsSha256 in ${FILES.model} (corrupted or replaced)`);
  }

  const tokenizerPath = join(root, FILES.tokenizer);
  let tokenizer: Tokenizer;
  try {
    tokenizer = Tokenizer.fromJSON(readJson(tokenizerPath));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${tokenizerPath}: ${(err as Error).message}`);
  }
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new InputError(`${tokenizerPath}: ${tokenizer.vocabSize} tokens, but ${FILES.model} says vocabSize ${config.vocabSize}`);
  }

  const cardPath = join(root, FILES.card);
  const card = readJson(cardPath) as ModelCard;
  if (typeof card !== 'object' || card === null || Array.isArray(card)) throw new InputError(`${cardPath}: expected a JSON object`);

  const probeTexts = readProbe(join(root, FILES.probe));

  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  const tensors = tf.io.decodeWeights(aligned.buffer, specs);
  try {
    return { model: TransformerLM.fromWeights(config, tensors), tokenizer, card, probeTexts };
  } catch (err) {
    throw new InputError(`${modelPath}: ${(err as Error).message}`);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Writes a base model directory atomically: a sibling temp directory renamed into place. */
export async function saveBaseModel(dir: string, model: TransformerLM, tokenizer: Tokenizer, card: ModelCard, probeTexts: string[]): Promise<void> {
  const root = resolve(dir);
  mkdirSync(dirname(root), { recursive: true });
  const tmp = join(dirname(root), `.${basename(root)}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const weights: ModelJSON['weightsManifest'][0]['weights'] = [];
    const chunks: Uint8Array[] = [];
    const vars = model.namedVariables();
    for (const [name, shape] of variableShapes(model.config)) {
      const data = Float32Array.from(await vars.get(name)!.data());
      weights.push({ name, shape, dtype: 'float32' });
      chunks.push(new Uint8Array(data.buffer));
    }
    const bin = Buffer.concat(chunks);
    const json: ModelJSON = {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      config: model.config,
      weightsManifest: [{ paths: [FILES.weights], weights }],
      weightsSha256: sha256(bin),
    };
    await atomicWrite(join(tmp, FILES.weights), [bin]);
    await atomicWrite(join(tmp, FILES.model), [`${JSON.stringify(json, null, 2)}\n`]);
    await atomicWrite(join(tmp, FILES.tokenizer), [`${JSON.stringify(tokenizer.toJSON())}\n`]);
    await atomicWrite(join(tmp, FILES.card), [`${JSON.stringify(card, null, 2)}\n`]);
    await atomicWrite(join(tmp, FILES.probe), [probeTexts.map((text) => `${JSON.stringify({ text })}\n`).join('')]);
    const old = `${tmp}.old`;
    if (existsSync(root)) renameSync(root, old);
    renameSync(tmp, root);
    rmSync(old, { recursive: true, force: true });
    // Some filesystems refuse fsync on a directory; the renames are still atomic there.
    await fsyncDir(dirname(root)).catch(() => {});
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function readJson(path: string): unknown {
  const text = readBytes(path).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

function readProbe(path: string): string[] {
  const lines = readBytes(path).toString('utf8').split('\n');
  const texts: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InputError(`${path}:${i + 1}: not valid JSON`);
    }
    const text = (row as { text?: unknown }).text;
    if (typeof text !== 'string') throw new InputError(`${path}:${i + 1}: expected {"text": "..."}`);
    texts.push(text);
  });
  return texts;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
