// Causal-LM data: how many tokens there are to learn from, and how much of the validation text the
// model has already read in training (a perplexity on text seen in training measures memory).
//
// "Seen" is measured on token n-grams: the share of the validation set's OVERLAP_TOKENS-grams that
// also occur in train. Unrelated prose shares almost none of its 8-grams; quoted replies, list
// footers and boilerplate share many.
import { finding, int, pct } from '../finding.js';
import { type Item, type Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

export const OVERLAP_TOKENS = 8;
/** Above this share of validation n-grams seen in train, the overlap is a warning. */
export const OVERLAP_WARNING_SHARE = 0.2;

function grams(tokens: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + OVERLAP_TOKENS <= tokens.length; i++) out.push(tokens.slice(i, i + OVERLAP_TOKENS).join(','));
  return out;
}

function tokens(items: readonly Item[], context: number | undefined): { all: number; kept: number } {
  let all = 0;
  let kept = 0;
  for (const i of items) {
    const n = (i.tokens?.length ?? 0) + 2; // BOS and EOS
    all += n;
    kept += context ? Math.min(n, context) : n;
  }
  return { all, kept };
}

export function causalFindings(p: Prepared): Finding[] {
  if (p.input.task !== 'causal-lm' || !p.input.tokenizer) return [];
  const context = p.input.contextLength;
  const t = tokens(p.train, context);
  const v = tokens(p.validation, context);
  const out: Finding[] = [
    finding('tokens', 'note', t.all,
      `tokens: train ${int(t.all)} (${int(t.kept)} within the context), validation ${int(v.all)} (${int(v.kept)}); ${int(t.all / Math.max(1, p.train.length))} per train text`,
      [], 'a causal-LM fine-tune sees train tokens × epochs; under ~100k tokens, expect to overfit within a few epochs'),
  ];
  const seen = new Set<string>();
  for (const i of p.train) for (const g of grams(i.tokens ?? [])) seen.add(g);
  let total = 0;
  let hits = 0;
  const places: string[] = [];
  for (const i of p.validation) {
    const gs = grams(i.tokens ?? []);
    const h = gs.filter((g) => seen.has(g)).length;
    total += gs.length;
    hits += h;
    if (gs.length > 0 && h / gs.length > 0.5) places.push(`${i.file}:${i.example.line}`);
  }
  if (total > 0) {
    const share = hits / total;
    out.push(finding('validation_seen_in_train', share >= OVERLAP_WARNING_SHARE ? 'warning' : 'note', places.length,
      `validation: ${pct(share)} of its ${OVERLAP_TOKENS}-token sequences also occur in train; ${int(places.length)} validation texts are more than half seen`,
      places, share >= OVERLAP_WARNING_SHARE
        ? 'remove shared boilerplate (quotes, footers, signatures) or split by source: validation perplexity is partly memory'
        : 'most of the validation text is unseen in training: its perplexity measures generalisation'));
  }
  return out;
}
