// Causal-LM data: how many tokens there are to learn from, and how much of the validation text the
// model has already read in training (a perplexity on text seen in training measures memory).
//
// "Seen" is measured on token n-grams: the share of the validation set's OVERLAP_TOKENS-grams that
// also occur in train. Unrelated prose shares almost none of its 8-grams; quoted replies, list
// footers and boilerplate share many. An n-gram is kept as a 53-bit hash. Past MAX_TRAIN_GRAMS
// train n-grams (a corpus of tens of millions of tokens: one V8 Set holds at most 2^24 entries,
// and ran out there), both sides keep only the n-grams whose hash falls in the same 1 in k
// share, which estimates the same share from a consistent sample.
import { fmix32 } from '../../rng.js';
import { finding, int, pct } from '../finding.js';
import { type Item, type Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

export const OVERLAP_TOKENS = 8;
/** Above this share of validation n-grams seen in train, the overlap is a warning. */
export const OVERLAP_WARNING_SHARE = 0.2;

/** Train n-grams kept whole; past this, one in k is kept (k = the count over this, rounded up). */
export const MAX_TRAIN_GRAMS = 4_000_000;

/**
 * The hashes of a text's n-grams that fall in the sample (h2 % every === 0): two 32-bit mixes
 * packed into 53 bits, so that two different n-grams share one about once in 2^53.
 */
function grams(tokens: readonly number[], every: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + OVERLAP_TOKENS <= tokens.length; i++) {
    let h1 = 0x2545f491;
    let h2 = 0x9e3779b9;
    for (let j = i; j < i + OVERLAP_TOKENS; j++) {
      h1 = fmix32(h1 ^ tokens[j]);
      h2 = fmix32(Math.imul(h2, 0x01000193) ^ tokens[j]);
    }
    if (h2 % every === 0) out.push(h1 * 0x200000 + (h2 >>> 11));
  }
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
  const trainGrams = p.train.reduce((n, i) => n + Math.max(0, (i.tokens?.length ?? 0) - OVERLAP_TOKENS + 1), 0);
  const every = Math.max(1, Math.ceil(trainGrams / (p.input.maxTrainGrams ?? MAX_TRAIN_GRAMS)));
  const seen = new Set<number>();
  for (const i of p.train) for (const g of grams(i.tokens ?? [], every)) seen.add(g);
  let total = 0;
  let hits = 0;
  const places: string[] = [];
  for (const i of p.validation) {
    const gs = grams(i.tokens ?? [], every);
    const h = gs.filter((g) => seen.has(g)).length;
    total += gs.length;
    hits += h;
    if (gs.length > 0 && h / gs.length > 0.5) places.push(`${i.file}:${i.example.line}`);
  }
  if (total > 0) {
    const share = hits / total;
    const sampled = every > 1 ? ` (estimated on 1 in ${int(every)} of them: ${int(trainGrams)} in train)` : '';
    out.push(finding('validation_seen_in_train', share >= OVERLAP_WARNING_SHARE ? 'warning' : 'note', places.length,
      `validation: ${pct(share)} of its ${OVERLAP_TOKENS}-token sequences also occur in train${sampled}; ${int(places.length)} validation texts are more than half seen`,
      places, share >= OVERLAP_WARNING_SHARE
        ? 'remove shared boilerplate (quotes, footers, signatures) or split by source: validation perplexity is partly memory'
        : 'most of the validation text is unseen in training: its perplexity measures generalisation'));
  }
  return out;
}
