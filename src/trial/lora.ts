// LoRA's target names and their parsing: pure, for the spec's checks and the tfjs engine alike.

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
 * `lora_targets` as a list: a comma-separated string of q, k, v, o, fc, proj, or the shorthands
 * attention (q,k,v,o), mlp (fc,proj), all (a string, so that it can be swept like any parameter).
 * undefined when the value is not one.
 */
export function loraTargetsOf(value: unknown): LoraTarget[] | undefined {
  if (value === undefined) return [...DEFAULT_LORA_TARGETS];
  const words = typeof value === 'string' ? value.split(',').map((w) => w.trim()).filter((w) => w !== '') : [];
  if (words.length === 0 || words.some((w) => !Object.hasOwn(GROUPS, w) && !(LORA_TARGETS as readonly string[]).includes(w))) return undefined;
  const out = new Set<LoraTarget>();
  for (const w of words) (Object.hasOwn(GROUPS, w) ? GROUPS[w] : [w as LoraTarget]).forEach((t) => out.add(t));
  return LORA_TARGETS.filter((t) => out.has(t));
}
