// Near-duplicate detection: MinHash signatures of word shingles, candidate pairs from LSH banding,
// each candidate confirmed by the exact Jaccard similarity of the two shingle sets.
//
// A text's shingles are its overlapping runs of SHINGLE_WORDS normalised words (a text shorter than
// that is one shingle). Two texts are near-duplicates when the Jaccard similarity of their shingle
// sets is at least NEAR_DUPLICATE_JACCARD (0.8: the same message with a changed greeting, date or
// signature; an unrelated text on the same subject scores far lower). The signature has BANDS × ROWS
// minimum hashes; two texts become a candidate pair when all ROWS hashes of one band agree, which
// happens with probability 1 - (1 - J^ROWS)^BANDS: 0.998 at J = 0.8, 0.27 at J = 0.5 (Leskovec,
// Rajaraman & Ullman, Mining of Massive Datasets, ch. 3.4). Candidates are then checked exactly,
// so a reported pair is always at or above the threshold; a pair at the threshold is missed with
// probability about 0.002.

import { fmix32, fnv1a } from '../rng.js';

export const SHINGLE_WORDS = 3;
export const NEAR_DUPLICATE_JACCARD = 0.8;
const BANDS = 20;
const ROWS = 6;
const HASHES = BANDS * ROWS;

/** A strong 32-bit mix (murmur3's finaliser): one of the HASHES hash functions per seed. */
function mix(x: number, seed: number): number {
  return fmix32(x ^ seed);
}

const SEEDS = Array.from({ length: HASHES }, (_, i) => mix(i + 1, 0x9e3779b9));

/** The set of shingle hashes of a normalised text. */
export function shingles(norm: string): Set<number> {
  const words = norm.split(' ').filter(Boolean);
  const out = new Set<number>();
  if (words.length === 0) return out;
  if (words.length < SHINGLE_WORDS) out.add(fnv1a(words.join(' ')));
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) out.add(fnv1a(words.slice(i, i + SHINGLE_WORDS).join(' ')));
  return out;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function signature(set: ReadonlySet<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const x of set) {
    for (let i = 0; i < HASHES; i++) {
      const h = mix(x, SEEDS[i]);
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

export interface NearPair {
  /** Indices into the texts given to nearDuplicatePairs; a < b. */
  a: number;
  b: number;
  jaccard: number;
}

/**
 * Every pair of texts (by index) whose shingle sets have a Jaccard similarity ≥ `threshold`, found
 * through LSH candidates; `keep(a, b)` filters candidates before the exact check (e.g. only pairs
 * across two sets, or not already exact duplicates). Empty texts take part in no pair.
 */
export function nearDuplicatePairs(
  norms: readonly string[],
  keep: (a: number, b: number) => boolean = () => true,
  threshold = NEAR_DUPLICATE_JACCARD,
): NearPair[] {
  const sets = norms.map(shingles);
  const buckets = new Map<string, number[]>();
  sets.forEach((set, i) => {
    if (set.size === 0) return;
    const sig = signature(set);
    for (let b = 0; b < BANDS; b++) {
      const key = `${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`;
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    }
  });
  const seen = new Set<number>();
  const pairs: NearPair[] = [];
  const n = norms.length;
  for (const list of buckets.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x];
        const b = list[y];
        const id = a * n + b;
        if (seen.has(id)) continue;
        seen.add(id);
        if (!keep(a, b)) continue;
        const j = jaccard(sets[a], sets[b]);
        if (j >= threshold) pairs.push({ a, b, jaccard: j });
      }
    }
  }
  return pairs.sort((p, q) => p.a - q.a || p.b - q.b);
}
