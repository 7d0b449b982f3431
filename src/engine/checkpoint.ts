// Trial checkpoints: trainable weights, optimizer state and the position in the data, written
// atomically with a checksum (weights.ts). The previous checkpoint is kept until the next one is
// complete; a checkpoint that fails its checksum falls back to the one before it.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../trial/types.js';
import type { EpochAccumulator } from './metrics.js';
import { loadTensors, saveTensors } from './weights.js';
import { checkpointDir } from '../trial/layout.js';

export interface CheckpointMeta {
  trialId: string;
  /** Hash of everything that shapes training; a checkpoint of another config is not resumed. */
  fingerprint: string;
  /** Epochs fully completed. */
  epoch: number;
  /** Batches of epoch `epoch + 1` already trained (0 at an epoch boundary). */
  batchIndex: number;
  /** Optimizer steps taken in total. */
  step: number;
  epochs: EpochMetrics[];
  /** Running sums of the interrupted epoch (mid-epoch checkpoints only). */
  partial?: EpochAccumulator;
  initialValLoss?: number;
  basePerplexity?: number;
  /** The best epoch so far by the objective (its weights are in weights/best.fsw). */
  best?: { epoch: number; value: number };
  /** Optimizer scalars (its tensors are stored beside the weights). */
  optimizer: Record<string, number>;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  tensors: Record<string, tf.Tensor>;
  /** Newer checkpoints that failed to load, with why (the caller logs them). */
  skipped: string[];
}

const PREFIX = 'step-';
const SUFFIX = '.ckpt';
/** Two on disk: the newest and the one it may fall back to. */
const KEEP = 2;

function listNewestFirst(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(PREFIX) && n.endsWith(SUFFIX)).sort().reverse();
}

/** Writes a new checkpoint, then drops all but the newest KEEP. */
export async function saveCheckpoint(trialDir: string, tensors: Record<string, tf.Tensor>, meta: CheckpointMeta): Promise<string> {
  const dir = checkpointDir(trialDir);
  mkdirSync(dir, { recursive: true });
  // Step plus batch in the name: a mid-epoch stop and the epoch end at the same step stay ordered.
  const name = `${PREFIX}${String(meta.step).padStart(9, '0')}-${meta.epoch}-${meta.batchIndex}${SUFFIX}`;
  const path = join(dir, name);
  await saveTensors(path, tensors, meta as unknown as Record<string, unknown>);
  // Only after the new one is complete (saveTensors renames into place) do older ones go.
  for (const old of listNewestFirst(dir).filter((n) => n !== name).slice(KEEP - 1)) {
    rmSync(join(dir, old), { recursive: true, force: true });
  }
  return path;
}

/**
 * The newest checkpoint of this trial that loads and verifies, or undefined. A checkpoint of a
 * different fingerprint is skipped (never resumed into the wrong run).
 */
export async function loadLatestCheckpoint(trialDir: string, trialId: string, fingerprint: string): Promise<Checkpoint | undefined> {
  const dir = checkpointDir(trialDir);
  const skipped: string[] = [];
  for (const name of listNewestFirst(dir)) {
    try {
      const { tensors, meta } = await loadTensors(join(dir, name));
      const m = meta as unknown as CheckpointMeta;
      if (m?.trialId !== trialId || m.fingerprint !== fingerprint) {
        Object.values(tensors).forEach((t) => t.dispose());
        skipped.push(`${name}: written by a different trial configuration`);
        continue;
      }
      return { meta: m, tensors, skipped };
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return undefined;
}
