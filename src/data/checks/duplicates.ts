// Exact and near-duplicate texts inside train and across train/validation (leakage: a validation
// example the model has already seen scores it on memory, not on generalisation).
import { finding, int, pct, plural, verb } from '../finding.js';
import { earliestNearDuplicates, NEAR_DUPLICATE_JACCARD } from '../minhash.js';
import { where, type Item, type Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

/** Above this share of validation examples leaked from train, the validation score means nothing. */
export const LEAKAGE_ERROR_SHARE = 0.1;

function nonEmpty(items: readonly Item[]): Item[] {
  return items.filter((i) => i.norm !== '');
}

export function duplicateFindings(p: Prepared): Finding[] {
  const out: Finding[] = [];
  const train = nonEmpty(p.train);
  const validation = nonEmpty(p.validation);

  // Exact duplicates inside train: every copy after the first.
  const firstInTrain = new Map<string, Item>();
  const copies: string[] = [];
  for (const item of train) {
    const first = firstInTrain.get(item.hash);
    if (first) copies.push(`${where(item)} = ${first.example.line}`);
    else firstInTrain.set(item.hash, item);
  }
  if (copies.length > 0) {
    out.push(finding('exact_duplicates_train', 'warning', copies.length,
      `train: ${plural(copies.length, 'text')} ${verb(copies.length, 'repeats', 'repeat')} an earlier one (normalised text; ${pct(copies.length / train.length)} of train)`,
      copies, 'drop the repeats: they weigh those examples more and, after a split, leak into validation'));
  }

  // Exact duplicates across: validation examples whose text is in train.
  const leaked = validation.filter((v) => firstInTrain.has(v.hash));
  if (leaked.length > 0) {
    const share = leaked.length / validation.length;
    out.push(finding('exact_duplicates_across', share >= LEAKAGE_ERROR_SHARE ? 'error' : 'warning', leaked.length,
      `leakage: ${plural(leaked.length, 'validation text')} (${pct(share)}) ${verb(leaked.length, 'is', 'are')} also in train`,
      leaked.map((v) => `${where(v)} = ${firstInTrain.get(v.hash)!.file}:${firstInTrain.get(v.hash)!.example.line}`),
      'remove them from one side (de-duplicate before splitting); validation scores on them are memory, not skill'));
  }

  // Near-duplicates: over the distinct texts only (exact copies are reported above).
  const trainUnique = [...firstInTrain.values()];
  const valUnique: Item[] = [];
  const seenVal = new Set<string>();
  for (const v of validation) {
    if (firstInTrain.has(v.hash) || seenVal.has(v.hash)) continue;
    seenVal.add(v.hash);
    valUnique.push(v);
  }
  const all = [...trainUnique, ...valUnique];
  const T = trainUnique.length;
  // Pairs inside validation say nothing about leakage or weighting: a validation text is compared
  // with train texts only (they come first).
  const earliest = earliestNearDuplicates(all.map((i) => i.norm), (a) => a < T);
  const nearTrain = new Map<number, number>();
  const nearAcross = new Map<number, number>();
  earliest.forEach((a, b) => {
    if (a >= 0) (b < T ? nearTrain : nearAcross).set(b, a);
  });
  const threshold = `shingle Jaccard ≥ ${NEAR_DUPLICATE_JACCARD}`;
  if (nearTrain.size > 0) {
    const places = [...nearTrain].sort(([x], [y]) => x - y).map(([b, a]) => `${where(all[b])} ≈ ${all[a].example.line}`);
    out.push(finding('near_duplicates_train', 'note', nearTrain.size,
      `train: ${plural(nearTrain.size, 'text')} nearly ${verb(nearTrain.size, 'repeats', 'repeat')} an earlier one (${threshold}, not identical)`,
      places, 'check whether they are the same message with small edits; if so keep one'));
  }
  if (nearAcross.size > 0) {
    const share = nearAcross.size / validation.length;
    const places = [...nearAcross].sort(([x], [y]) => x - y).map(([b, a]) => `${where(all[b])} ≈ ${where(all[a])}`);
    out.push(finding('near_duplicates_across', share >= LEAKAGE_ERROR_SHARE ? 'error' : 'warning', nearAcross.size,
      `leakage: ${plural(nearAcross.size, 'validation text')} (${pct(share)}) nearly ${verb(nearAcross.size, 'repeats', 'repeat')} a train text (${threshold})`,
      places, `remove near-copies across the split (group them before splitting); ${int(nearAcross.size)} validation scores are partly memory`));
  }
  return out;
}
