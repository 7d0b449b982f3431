// Slots: the places a trial can run. With GPUs, gpus × trials_per_gpu slots, each pinned to one GPU;
// without, `workers` CPU slots.
import { availableParallelism } from 'node:os';

export interface Slot {
  /** 0-based slot number, stable for the whole run (shown in progress and the journal). */
  id: number;
  /** The GPU this slot is pinned to (its trials run with CUDA_VISIBLE_DEVICES=<gpu>). */
  gpu?: number;
}

export interface SlotPlan {
  gpus: number[];
  trialsPerGpu?: number;
  workers?: number;
}

export function planSlots(plan: SlotPlan): Slot[] {
  if (plan.gpus.length > 0) {
    const perGpu = Math.max(1, plan.trialsPerGpu ?? 1);
    const slots: Slot[] = [];
    // Interleave GPUs (slot 0 → gpu a, slot 1 → gpu b, ...) so that a short sweep spreads over all GPUs.
    for (let k = 0; k < perGpu; k++) {
      for (const gpu of plan.gpus) slots.push({ id: slots.length, gpu });
    }
    return slots;
  }
  const workers = Math.max(1, Math.floor(plan.workers ?? availableParallelism()));
  return Array.from({ length: workers }, (_, id) => ({ id }));
}
