// Texts longer than the model's context: the trainer keeps the first contextLength tokens, so the
// rest of such a text is never seen. Reported with the share cut, the tokens lost, and the context
// length that would keep 90 % of the texts whole.
import { finding, int, pct, plural } from '../finding.js';
import { tokenLength, where, type Item, type Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

/** Truncating more than this share of texts is a warning; less is a note. */
export const TRUNCATION_WARNING_SHARE = 0.1;

/** The smallest length that keeps `q` of the lengths whole (nearest-rank quantile). */
export function quantile(lengths: readonly number[], q: number): number {
  if (lengths.length === 0) return 0;
  const sorted = [...lengths].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function advice(task: Prepared['input']['task'], share: number): string {
  if (share < TRUNCATION_WARNING_SHARE) return 'fine if the start of each text is what matters';
  return task === 'causal-lm'
    ? 'cut the texts into passages of the context length: nothing is lost and there are more examples'
    : 'shorten the texts to what decides the label (e.g. subject and first lines), or use a model with a longer context';
}

function check(p: Prepared, items: readonly Item[], name: string, context: number): Finding[] {
  if (items.length === 0) return [];
  const task = p.input.task;
  const lengths = items.map((i) => tokenLength(i, task));
  const cut = items.filter((_, k) => lengths[k] > context);
  if (cut.length === 0) return [];
  const lost = lengths.reduce((s, l) => s + Math.max(0, l - context), 0);
  const total = lengths.reduce((s, l) => s + l, 0);
  const share = cut.length / items.length;
  const p90 = quantile(lengths, 0.9);
  return [finding(`truncated_${name}`, share >= TRUNCATION_WARNING_SHARE ? 'warning' : 'note', cut.length,
    `${name}: ${int(cut.length)} of ${plural(items.length, 'text')} (${pct(share)}) exceed the ${context}-token context; ${int(lost)} of ${int(total)} tokens (${pct(lost / total)}) are never seen; a context of ${int(p90)} would keep 90 % whole`,
    cut.map(where), advice(task, share))];
}

export function lengthFindings(p: Prepared): Finding[] {
  const context = p.input.contextLength;
  if (!p.input.tokenizer || !context) return [];
  return [...check(p, p.train, 'train', context), ...check(p, p.validation, 'validation', context)];
}
