// A fine-tuned model as a self-contained directory (`finesweep export`), and loading it back for
// `finesweep predict`. The directory is a base model directory (model.json, weights.bin,
// tokenizer.json, model-card.json, general-probe.jsonl: the fine-tuned body, or the frozen base
// with --adapters) plus:
//   task.json     format "finesweep-fine-tuned", task type, labels, pooling, max length, LoRA settings
//   head.fsw      the classification head (classification only)
//   adapters.fsw  the LoRA adapters, when exported unmerged (--adapters)
// written last, task.json last of all: a directory without it is not an exported model.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import { ClassificationHead, type Pooling } from './classifier.js';
import { loadKept, type KeptMeta } from './kept.js';
import { LoraAdapters } from './lora.js';
import type { LoraConfig } from '../trial/lora.js';
import { FILES, loadBaseModel, saveBaseModel, type ModelCard } from './model-io.js';
import type { TransformerLM } from './model.js';
import type { Tokenizer } from './tokenizer.js';
import { atomicWrite } from '../atomic-write.js';
import { loadTensors, saveTensors } from './weights.js';
import type { EngineTask } from '../trial/method.js';


export const EXPORT_FORMAT = 'finesweep-fine-tuned';
export const TASK_FILE = 'task.json';
const HEAD_FILE = 'head.fsw';
const ADAPTERS_FILE = 'adapters.fsw';

export interface TaskJSON {
  format: typeof EXPORT_FORMAT;
  formatVersion: 1;
  taskType: EngineTask;
  labels?: string[];
  pooling?: Pooling;
  /** Tokens per text the model was trained on (longer texts are truncated the same way). */
  maxLength: number;
  /** Present when the adapters are stored apart (adapters.fsw) rather than merged into the weights. */
  lora?: LoraConfig;
}

export interface ExportOptions {
  baseModelDir: string;
  keptPath: string;
  outDir: string;
  /** The model card's fine-tune section (sweep, trial, parameters, metrics, ...). */
  card: Record<string, unknown>;
  maxLength?: number;
  /** LoRA: keep the adapters apart instead of merging them (W + (alpha/rank)·A·B). */
  adapters?: boolean;
}

/** Writes the exported model directory; returns what it wrote (for the CLI's message). */
export async function exportModel(opts: ExportOptions): Promise<{ meta: KeptMeta; files: string[] }> {
  const base = await loadBaseModel(opts.baseModelDir);
  const { model, tokenizer } = base;
  const { tensors, meta } = await loadKept(opts.keptPath);
  let lora: LoraAdapters | undefined;
  try {
    if (opts.adapters && !meta.lora) throw new InputError(`--adapters: trial ${meta.trialId} is not a lora trial (method ${meta.method})`);
    const vars = model.namedVariables();
    const head: Record<string, tf.Tensor> = {};
    const adapters: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(tensors)) {
      if (name.startsWith('head/')) head[name] = t;
      else if (name.startsWith('lora/')) adapters[name] = t;
      else if (vars.has(name)) vars.get(name)!.assign(t);
      else throw new InputError(`${opts.keptPath}: unknown weight "${name}" for the base model ${opts.baseModelDir}`);
    }
    if (meta.lora) {
      lora = new LoraAdapters(model, meta.lora, 0);
      const own = lora.variables();
      for (const [name, t] of Object.entries(adapters)) {
        if (!own[name]) throw new InputError(`${opts.keptPath}: unknown adapter "${name}"`);
        own[name].assign(t);
      }
      if (!opts.adapters) {
        const merged = lora.merged();
        lora.dispose();
        lora = undefined;
        for (const [name, w] of Object.entries(merged)) vars.get(name)!.assign(w);
        tf.dispose(Object.values(merged));
      }
    }
    const weights = meta.lora ? (opts.adapters ? 'the frozen base + LoRA adapters (adapters.fsw)' : 'LoRA merged into the base: W + (alpha/rank)·A·B') : `fine-tuned (method ${meta.method})`;
    const fineTune = { ...opts.card, method: meta.method, ...(meta.lora ? { lora: meta.lora } : {}), weights, weightsEpoch: meta.epoch };
    const card: ModelCard = { ...base.card, name: String(opts.card.name ?? base.card.name), baseModel: base.card.name, fineTune };
    const out = resolve(opts.outDir);
    await saveBaseModel(out, model, tokenizer, card, base.probeTexts);
    const files: string[] = [...Object.values(FILES)];
    if (Object.keys(head).length > 0) {
      await saveTensors(join(out, HEAD_FILE), head);
      files.push(HEAD_FILE);
    }
    if (opts.adapters) {
      await saveTensors(join(out, ADAPTERS_FILE), adapters);
      files.push(ADAPTERS_FILE);
    }
    const task: TaskJSON = {
      format: EXPORT_FORMAT,
      formatVersion: 1,
      taskType: meta.taskType,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.pooling ? { pooling: meta.pooling } : {}),
      maxLength: Math.min(opts.maxLength ?? model.config.contextLength, model.config.contextLength),
      ...(opts.adapters && meta.lora ? { lora: meta.lora } : {}),
    };
    await atomicWrite(join(out, TASK_FILE), [`${JSON.stringify(task, null, 2)}\n`]);
    files.push(TASK_FILE);
    return { meta, files };
  } finally {
    tf.dispose(Object.values(tensors));
    lora?.dispose();
    model.dispose();
  }
}

/** A loaded exported model, ready to predict; dispose() frees it. */
export interface FineTunedModel {
  task: TaskJSON;
  model: TransformerLM;
  tokenizer: Tokenizer;
  card: ModelCard;
  head?: ClassificationHead;
  dispose(): void;
}

export async function loadExportedModel(dir: string): Promise<FineTunedModel> {
  const root = resolve(dir);
  const taskPath = join(root, TASK_FILE);
  if (!existsSync(taskPath)) {
    throw new InputError(`${root}: not an exported model directory (no ${TASK_FILE}; make one with \`finesweep export <sweep-dir> --out DIR\`)`);
  }
  let task: TaskJSON;
  try {
    task = JSON.parse(readFileSync(taskPath, 'utf8')) as TaskJSON;
  } catch (err) {
    throw new InputError(`${taskPath}: not valid JSON (${(err as Error).message})`);
  }
  if (task?.format !== EXPORT_FORMAT) throw new InputError(`${taskPath}: "format" must be "${EXPORT_FORMAT}", got ${JSON.stringify(task?.format)}`);
  if (task.taskType === 'classification' && !(Array.isArray(task.labels) && task.labels.length >= 2)) {
    throw new InputError(`${taskPath}: a classification model needs "labels" (two or more)`);
  }
  const base = await loadBaseModel(root);
  let head: ClassificationHead | undefined;
  let lora: LoraAdapters | undefined;
  try {
    if (task.lora) {
      lora = new LoraAdapters(base.model, task.lora, 0);
      const own = lora.variables();
      const { tensors } = await loadOwned(join(root, ADAPTERS_FILE));
      for (const [name, t] of Object.entries(tensors)) {
        own[name]?.assign(t);
        t.dispose();
      }
    }
    if (task.taskType === 'classification') {
      head = new ClassificationHead(base.model.config.dModel, task.labels!.length, 0, task.pooling ?? 'mean');
      const { tensors } = await loadOwned(join(root, HEAD_FILE));
      const own = head.variables();
      for (const name of Object.keys(own) as Array<keyof typeof own>) {
        const t = tensors[name];
        if (!t || !tf.util.arraysEqual(t.shape, own[name].shape)) throw new InputError(`${join(root, HEAD_FILE)}: "${name}" is missing or has the wrong shape`);
        own[name].assign(t);
      }
      tf.dispose(Object.values(tensors));
    }
  } catch (err) {
    head?.dispose();
    lora?.dispose();
    base.model.dispose();
    throw err;
  }
  return {
    task,
    model: base.model,
    tokenizer: base.tokenizer,
    card: base.card,
    head,
    dispose: () => {
      head?.dispose();
      lora?.dispose();
      base.model.dispose();
    },
  };
}

async function loadOwned(path: string): Promise<{ tensors: Record<string, tf.Tensor> }> {
  try {
    return await loadTensors(path);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}
