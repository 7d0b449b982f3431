// Seeded, stratified sampling and train/validation splits.
import type { RawExample } from './read.js';
import { mulberry32, mixSeed, shuffled } from '../../rng.js';
import { InputError } from '../../errors.js';

function byLabel(examples: readonly RawExample[]): RawExample[][] {
  const groups = new Map<string, RawExample[]>();
  for (const e of examples) {
    const key = e.label ?? '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(e);
  }
  // Sorted keys: the result must not depend on which label happened to come first in the file.
  return [...groups.keys()].sort().map((k) => groups.get(k)!);
}

/** Restores file order so that downstream shuffles depend only on the seed, not on grouping. */
function fileOrder(examples: RawExample[]): RawExample[] {
  return examples.sort((a, b) => a.line - b.line);
}

/**
 * Holds out `fraction` of each label group (at least one example of each class with two or more),
 * chosen by a seeded shuffle. Unlabelled data is one group.
 */
export function stratifiedSplit(
  examples: readonly RawExample[],
  fraction: number,
  seed: number,
): { train: RawExample[]; validation: RawExample[] } {
  const train: RawExample[] = [];
  const validation: RawExample[] = [];
  byLabel(examples).forEach((group, gi) => {
    const order = shuffled(group, mulberry32(mixSeed(seed, 0x5711, gi)));
    let n = Math.round(order.length * fraction);
    if (n === 0 && order.length >= 2) n = 1;
    if (n === order.length) n = order.length - 1;
    validation.push(...order.slice(0, n));
    train.push(...order.slice(n));
  });
  return { train: fileOrder(train), validation: fileOrder(validation) };
}

/** A seeded sample of at most `max` examples, keeping label proportions. */
export function stratifiedSample(examples: readonly RawExample[], max: number, seed: number): RawExample[] {
  if (examples.length <= max) return examples.slice();
  const groups = byLabel(examples);
  const picked: RawExample[] = [];
  // Largest-remainder apportionment so the counts add up to exactly `max`.
  const quotas = groups.map((g) => (g.length * max) / examples.length);
  const counts = quotas.map(Math.floor);
  let left = max - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]++;
  }
  groups.forEach((group, gi) => {
    picked.push(...shuffled(group, mulberry32(mixSeed(seed, 0x5a3e, gi))).slice(0, counts[gi]));
  });
  return fileOrder(picked);
}

/**
 * Few-shot: `k` examples of each class, by a seeded shuffle of each class. The same seed gives
 * nested samples (the 8 of k = 8 are among the 32 of k = 32), so a shots curve compares like with
 * like. A class with fewer than k examples is refused, by name.
 */
export function sampleShots(examples: readonly RawExample[], k: number, seed: number, where: string): RawExample[] {
  const picked: RawExample[] = [];
  byLabel(examples).forEach((group, gi) => {
    if (group.length < k) {
      const name = group[0].label === undefined ? 'the training data' : `class '${group[0].label}'`;
      throw new InputError(`${where}: ${k} examples per class is more than ${name} has on the training side (${group.length})`);
    }
    picked.push(...shuffled(group, mulberry32(mixSeed(seed, 0x5407, gi))).slice(0, k));
  });
  return fileOrder(picked);
}
