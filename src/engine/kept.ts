// The weights a trial keeps beside its resume checkpoint: its best epoch's (by the sweep's
// objective) and, under keep "last" or "all", its last epoch's. Only the trainable tensors (the
// head, the adapters, the unfrozen blocks), no optimizer state: with the base model they are the
// whole fine-tuned model, and what `finesweep export` reads.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';

import type { EngineTask, Method } from '../trial/method.js';
import { loadTensors, saveTensors } from './weights.js';
import type { LoraConfig } from '../trial/lora.js';
import { weightsDir } from '../trial/layout.js';


export interface KeptMeta {
  kind: 'best' | 'last';
  trialId: string;
  /** The fingerprint of the run that wrote it (the checkpoint's). */
  fingerprint: string;
  taskType: EngineTask;
  method: Method;
  /** The evaluation's progress in epochs (fractional mid-epoch) and optimizer step (absent in older files). */
  epoch: number;
  step?: number;
  metric: string;
  value: number;
  labels?: string[];
  pooling?: 'mean' | 'last';
  lora?: LoraConfig;
  params: Record<string, number | string | boolean>;
}

export function bestWeightsPath(trialDir: string): string {
  return join(weightsDir(trialDir), 'best.fsw');
}

export function lastWeightsPath(trialDir: string): string {
  return join(weightsDir(trialDir), 'last.fsw');
}

export async function saveKept(path: string, trainable: Record<string, tf.Tensor>, meta: KeptMeta): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  await saveTensors(path, trainable, meta);
}

/** The tensors and meta of a kept file; throws TensorFileError naming the file when it is not one. */
export async function loadKept(path: string): Promise<{ tensors: Record<string, tf.Tensor>; meta: KeptMeta }> {
  const { tensors, meta } = await loadTensors(path);
  return { tensors, meta: meta as KeptMeta };
}

/** The meta of a kept file, or undefined when it is missing or does not verify. */
export async function readKeptMeta(path: string): Promise<KeptMeta | undefined> {
  try {
    const { tensors, meta } = await loadKept(path);
    for (const t of Object.values(tensors)) t.dispose();
    return meta;
  } catch {
    return undefined;
  }
}
