// Which variables of the base model train under each method (the rest stay frozen).
import type * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import type { TransformerLM } from './model.js';

import type { EngineTask, Method } from '../trial/method.js';

/** Gives model variables their logical names ("block1/attn/qkv/kernel"), used by optimizer and checkpoint. */
function byLogicalName(model: TransformerLM, vars: tf.Variable[]): Record<string, tf.Variable> {
  const names = new Map<tf.Variable, string>();
  for (const [name, v] of model.namedVariables()) names.set(v, name);
  const out: Record<string, tf.Variable> = {};
  for (const v of vars) out[names.get(v)!] = v;
  return out;
}

/**
 * full: every variable on the task's loss path; head: none of the body (classification — only the
 * new head trains) or the final norm + LM head (causal-lm; with a tied head that is the output bias,
 * the embedding itself stays frozen); top_k: the top k blocks + final norm (+ LM head for
 * causal-lm); lora: none of the base (the adapters train instead). A classifier never reaches the LM head's own variables, so they are left out (a
 * variable off the loss path has no gradient).
 */
export function trainableVariables(model: TransformerLM, task: EngineTask, method: Method, topK: number): Record<string, tf.Variable> {
  const { nLayers } = model.config;
  const lmHead = task === 'causal-lm' ? model.lmHeadVariables() : [];
  const blocks = (from: number) => Array.from({ length: nLayers - from }, (_, i) => model.blockVariables(from + i)).flat();
  if (method === 'full') return byLogicalName(model, [...model.embeddingVariables(), ...blocks(0), ...model.finalNormVariables(), ...lmHead]);
  // lora: the base stays frozen; its adapters (lora.ts) and the head are what trains.
  if (method === 'lora') return {};
  if (method === 'head') return task === 'causal-lm' ? byLogicalName(model, [...model.finalNormVariables(), ...lmHead]) : {};
  if (!Number.isInteger(topK) || topK < 1 || topK > nLayers) {
    throw new InputError(`task.top_k: expected an integer from 1 to ${nLayers} (the base model's blocks), got ${topK}`);
  }
  return byLogicalName(model, [...blocks(nLayers - topK), ...model.finalNormVariables(), ...lmHead]);
}
