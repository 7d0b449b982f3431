// Pure metric arithmetic for one epoch: accuracy, macro-F1, perplexity, downsampled step losses.

/** Accuracy of predicted class indices against true ones. */
export function accuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (truth.length === 0) return 0;
  let hit = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) hit++;
  return hit / truth.length;
}

/**
 * Macro-F1: the unweighted mean of per-class F1 over the classes present in the truth or the
 * predictions, so that a classifier that ignores the minority class scores low even when the
 * majority rate is high.
 */
export function macroF1(predicted: ArrayLike<number>, truth: ArrayLike<number>, numClasses: number): number {
  const tp = new Array<number>(numClasses).fill(0);
  const fp = new Array<number>(numClasses).fill(0);
  const fn = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i];
    const t = truth[i];
    if (p === t) tp[t]++;
    else {
      fp[p]++;
      fn[t]++;
    }
  }
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < numClasses; c++) {
    if (tp[c] + fp[c] + fn[c] === 0) continue;
    classes++;
    sum += (2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]);
  }
  return classes === 0 ? 0 : sum / classes;
}

/** Perplexity from a mean per-token natural-log loss. */
export function perplexity(meanTokenLoss: number): number {
  return Math.exp(meanTokenLoss);
}

/** How often a step loss is kept for the learning curve: about `points` per epoch. */
export function stepStride(stepsPerEpoch: number, points = 50): number {
  return Math.max(1, Math.ceil(stepsPerEpoch / points));
}

/** Running sums of one epoch's training; plain numbers so a mid-epoch checkpoint can carry them. */
export interface EpochAccumulator {
  lossSum: number;
  /** Examples (classification) or predicted tokens (causal-lm) the loss sum covers. */
  weight: number;
  correct: number;
  examples: number;
  steps: Array<[number, number]>;
}

export function newAccumulator(): EpochAccumulator {
  return { lossSum: 0, weight: 0, correct: 0, examples: 0, steps: [] };
}
