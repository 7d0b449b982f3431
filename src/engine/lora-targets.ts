// LoRA's target names (src/trial/lora.ts) with the engine's input error.
import { InputError } from '../errors.js';
import { LORA_TARGETS, loraTargetsOf, type LoraTarget } from '../trial/lora.js';

export { DEFAULT_LORA_TARGETS, LORA_TARGETS, type LoraConfig, type LoraTarget } from '../trial/lora.js';

export function parseLoraTargets(value: unknown, field = 'params.lora_targets'): LoraTarget[] {
  const targets = loraTargetsOf(value);
  if (!targets) throw new InputError(`${field}: expected a comma-separated list of ${LORA_TARGETS.join(', ')} (or attention, mlp, all), got ${JSON.stringify(value)}`);
  return targets;
}
