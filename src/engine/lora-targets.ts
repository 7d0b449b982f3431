// LoRA's target names and their parsing, without tfjs: the spec checks use them too.
import { InputError } from '../errors.js';

/** Attention query, key, value and output projections; the feed-forward layer's two products. */
export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'fc', 'proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];
/** The original paper's choice (and PEFT's for most decoder models): query and value. */
export const DEFAULT_LORA_TARGETS: readonly LoraTarget[] = ['q', 'v'];
/** Shorthands accepted in `lora_targets`. */
const GROUPS: Record<string, readonly LoraTarget[]> = {
  attention: ['q', 'k', 'v', 'o'],
  mlp: ['fc', 'proj'],
  all: LORA_TARGETS,
};

export interface LoraConfig {
  rank: number;
  alpha: number;
  targets: LoraTarget[];
}

/**
 * Parses `lora_targets`: a comma-separated string of q, k, v, o, fc, proj, or the shorthands
 * attention (q,k,v,o), mlp (fc,proj), all. A string, so that it can be swept like any parameter.
 */
export function parseLoraTargets(value: unknown, field = 'params.lora_targets'): LoraTarget[] {
  if (value === undefined) return [...DEFAULT_LORA_TARGETS];
  const words = typeof value === 'string' ? value.split(',').map((w) => w.trim()).filter((w) => w !== '') : [];
  const out = new Set<LoraTarget>();
  const bad = words.find((w) => !Object.hasOwn(GROUPS, w) && !(LORA_TARGETS as readonly string[]).includes(w));
  if (bad === undefined) for (const w of words) (Object.hasOwn(GROUPS, w) ? GROUPS[w] : [w as LoraTarget]).forEach((t) => out.add(t));
  if (out.size === 0) {
    throw new InputError(`${field}: expected a comma-separated list of ${LORA_TARGETS.join(', ')} (or attention, mlp, all), got ${JSON.stringify(value)}`);
  }
  return LORA_TARGETS.filter((t) => out.has(t));
}

