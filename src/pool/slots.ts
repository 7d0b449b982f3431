// Slots: the places a trial can run. With GPUs, one slot per set of `gpusPerTrial` GPUs (disjoint
// sets), times trials_per_gpu when a trial takes one GPU; without, `workers` CPU slots.
import { availableParallelism } from 'node:os';
import { InputError } from '../errors.js';

export interface Slot {
  /** 0-based slot number, stable for the whole run (shown in progress and the journal). */
  id: number;
  /** The first GPU of the slot (its trials run with CUDA_VISIBLE_DEVICES=<gpus>). */
  gpu?: number;
  /** Every GPU of the slot, `gpusPerTrial` of them; no other slot has any of them. */
  gpus?: number[];
}

export interface SlotPlan {
  gpus: number[];
  trialsPerGpu?: number;
  /** GPUs each trial is given (resources.gpus_per_trial); more than the machine has is bad input. */
  gpusPerTrial?: number;
  workers?: number;
}

export function planSlots(plan: SlotPlan): Slot[] {
  const perTrial = Math.max(1, plan.gpusPerTrial ?? 1);
  if (perTrial > plan.gpus.length && (plan.gpus.length > 0 || perTrial > 1)) {
    const has = plan.gpus.length === 0 ? 'none (nvidia-smi lists no GPU; set resources.gpus to 0 to run on CPU)' : `${plan.gpus.length} (${plan.gpus.join(', ')})`;
    throw new InputError(`/resources/gpus_per_trial: ${perTrial} GPUs per trial, but this machine has ${has}`);
  }
  if (plan.gpus.length > 0) {
    // Disjoint sets of consecutive ids (0,1 | 2,3 ...); GPUs left over by the division stay idle.
    const sets: number[][] = [];
    for (let i = 0; i + perTrial <= plan.gpus.length; i += perTrial) sets.push(plan.gpus.slice(i, i + perTrial));
    // Several trials share a GPU only when each takes one.
    const perGpu = perTrial === 1 ? Math.max(1, plan.trialsPerGpu ?? 1) : 1;
    const slots: Slot[] = [];
    // Interleave the sets (slot 0 -> set a, slot 1 -> set b, ...) so that a short sweep spreads over all GPUs.
    for (let k = 0; k < perGpu; k++) {
      for (const set of sets) slots.push({ id: slots.length, gpu: set[0]!, gpus: set });
    }
    return slots;
  }
  const workers = Math.max(1, Math.floor(plan.workers ?? availableParallelism()));
  return Array.from({ length: workers }, (_, id) => ({ id }));
}
