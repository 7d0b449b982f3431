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

function signature(shingleHashes: Iterable<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const x of shingleHashes) {
    for (let i = 0; i < HASHES; i++) {
      const h = mix(x, SEEDS[i]);
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

/**
 * One band of a signature as a number: two 32-bit mixes of its ROWS hashes (and the band) packed
 * into 53 bits. Two different bands may share a key (about once in 2^53): that only adds a
 * candidate, which the exact check then turns down.
 */
function bandKey(sig: Uint32Array, band: number): number {
  let h1 = fmix32(band + 0x2545f491);
  let h2 = fmix32(band ^ 0x9e3779b9);
  for (let r = band * ROWS; r < (band + 1) * ROWS; r++) {
    h1 = fmix32(h1 ^ sig[r]);
    h2 = fmix32(Math.imul(h2, 0x01000193) ^ sig[r]);
  }
  return h1 * 0x200000 + (h2 >>> 11);
}

/** Jaccard similarity of two sorted sets of hashes (a merge). */
function jaccardSorted(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

/**
 * How many earlier candidates one text is compared with at most, in index order. A corpus of one
 * template filled in thousands of times (notifications, statements) puts every text in the same
 * buckets; the earliest candidates are the ones reported, so the first few settle it.
 */
export const MAX_CANDIDATES = 256;

/**
 * For each text, the smallest index a < b of an earlier text whose shingle sets reach a Jaccard
 * similarity ≥ `threshold` with it, among its LSH candidates (the first MAX_CANDIDATES in index
 * order) for which `keep(a, b)`; -1 when there is none, or the text is empty. Linear in the texts:
 * the buckets hold indices in increasing order, and a text's candidates are walked merged, in
 * order, up to the first match.
 */
export function earliestNearDuplicates(
  norms: readonly string[],
  keep: (a: number, b: number) => boolean = () => true,
  threshold = NEAR_DUPLICATE_JACCARD,
): Int32Array {
  const n = norms.length;
  const sets: Uint32Array[] = new Array(n);
  const earliest = new Int32Array(n).fill(-1);
  // A bucket of one index is kept as the number itself: most buckets of a corpus hold one text.
  const buckets = new Map<number, number | number[]>();
  const keys = new Array<number>(BANDS);
  const lists: Array<readonly number[]> = [];
  const heads: number[] = [];
  for (let b = 0; b < n; b++) {
    const set = shingles(norms[b]);
    sets[b] = Uint32Array.from(set).sort();
    if (set.size === 0) continue;
    const sig = signature(set);
    lists.length = 0;
    for (let band = 0; band < BANDS; band++) {
      keys[band] = bandKey(sig, band);
      const bucket = buckets.get(keys[band]);
      if (bucket !== undefined) lists.push(typeof bucket === 'number' ? [bucket] : bucket);
    }
    // The candidates in increasing index order, each once: a merge of the sorted bucket lists.
    heads.length = lists.length;
    heads.fill(0);
    for (let visited = 0; visited < MAX_CANDIDATES; visited++) {
      let a = Infinity;
      for (let k = 0; k < lists.length; k++) if (heads[k] < lists[k].length && lists[k][heads[k]] < a) a = lists[k][heads[k]];
      if (a === Infinity) break;
      for (let k = 0; k < lists.length; k++) if (lists[k][heads[k]] === a) heads[k]++;
      if (keep(a, b) && jaccardSorted(sets[a], sets[b]) >= threshold) {
        earliest[b] = a;
        break;
      }
    }
    for (const key of keys) {
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, b);
      else if (typeof bucket === 'number') buckets.set(key, [bucket, b]);
      else bucket.push(b);
    }
  }
  return earliest;
}
