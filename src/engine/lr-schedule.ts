// The learning-rate schedule of a trial (the sweep spec's warmup_ratio and lr_schedule).

/**
 * Learning rate at a 0-based step: linear warmup over the first warmup_ratio of all steps, then
 * 'linear' (default) decays linearly to 0 at the last step, 'constant' holds the base rate.
 */
export function learningRate(base: number, step: number, totalSteps: number, warmupRatio: number, schedule: string): number {
  const warmup = Math.floor(warmupRatio * totalSteps);
  if (step < warmup) return (base * (step + 1)) / warmup;
  if (schedule === 'constant') return base;
  const rest = Math.max(totalSteps - warmup, 1);
  return base * Math.max(0, 1 - (step - warmup) / rest);
}

