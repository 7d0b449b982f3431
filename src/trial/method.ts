// The built-in engine's fine-tuning methods: named here, on the ground floor, because the spec's
// checks and the tfjs trainer both need the list (neither imports the other).
export const METHODS = ['full', 'head', 'top_k', 'lora'] as const;

export type Method = (typeof METHODS)[number];

/** The tasks the built-in engine trains (a spec's task.type besides `command`). */
export type EngineTask = 'classification' | 'causal-lm';
