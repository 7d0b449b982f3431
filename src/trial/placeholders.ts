// `{name}` placeholders in a command task's argv (and its env values): each names a trial parameter.
// `{{` and `}}` stand for literal braces. Anything else between braces (e.g. a JSON argument such as
// {"a": 1}) is not a placeholder and passes through unchanged. Pure, and on the ground floor because
// both the spec's semantic check and the command trainer read it (neither imports the other).
import type { Params } from './types.js';

/** The placeholder for the number of GPUs a trial is given (resources.gpus_per_trial; 0 on a CPU slot), e.g. torchrun --nproc_per_node {num_gpus}. */
export const NUM_GPUS_PLACEHOLDER = 'num_gpus';

/** The micro-batches per optimizer step (1 unless swept, or set by an out-of-memory retry), e.g. --gradient_accumulation_steps {grad_accum}. */
export const GRAD_ACCUM_PLACEHOLDER = 'grad_accum';

const TOKEN = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** The parameter names that `template` refers to, in order of appearance. */
export function placeholderNames(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(TOKEN)) if (m[1] !== undefined) names.push(m[1]);
  return names;
}

/** A parameter's value as one argv word: numbers as JavaScript writes them (1e-7, 0.001), booleans as true/false. */
export function formatValue(value: number | string | boolean): string {
  return String(value);
}

/** `template` with each placeholder replaced by its parameter's value. Throws on a name with no value. */
export function substitute(template: string, params: Params): string {
  return template.replace(TOKEN, (token: string, name: string | undefined) => {
    if (name === undefined) return token[0]!; // '{{' -> '{', '}}' -> '}'
    const value = params[name];
    if (value === undefined) throw new Error(`placeholder {${name}} names no parameter of this trial`);
    return formatValue(value);
  });
}
