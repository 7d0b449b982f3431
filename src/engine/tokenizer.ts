// A small byte-level BPE tokenizer, trained in pure TypeScript so the base model needs no download.
// Byte-level: every UTF-8 byte is a base token, so any text encodes without an unknown token and
// decodes back exactly. Training is deterministic: ties between equally frequent pairs go to the
// pair with the smaller (left, right) ids.

/** Splits text into words the merges never cross: a letter run, a digit run, or punctuation, each
 * with its leading space, and runs of whitespace (GPT-2 style). */
const WORD = /[ ]?\p{L}+|[ ]?\p{N}+|[ ]?[^\s\p{L}\p{N}]+|\s+/gu;

export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<unk>', '<cls>'] as const;
const BYTE_OFFSET = SPECIAL_TOKENS.length;

export interface TokenizerJSON {
  type: 'finesweep-byte-bpe';
  version: 1;
  /** The special tokens' ids: pad, bos, eos, unk, cls (ids 0-4); bytes 0-255 are ids 5-260. */
  special: Record<string, number>;
  /** Merge i creates token id 261 + i from the two token ids, applied in this order. */
  merges: Array<[number, number]>;
  /** Informational: each token's text (bytes as latin-1 escapes where not valid UTF-8). */
  vocab?: string[];
}

export class Tokenizer {
  readonly vocabSize: number;
  readonly pad = 0;
  readonly bos = 1;
  readonly eos = 2;
  readonly unk = 3;
  readonly cls: number | undefined = 4;
  private readonly merges: Array<[number, number]>;
  /** "left,right" → merged id; the id doubles as the merge's rank (lower merges first). */
  private readonly mergeIds = new Map<number, number>();
  /** Each token's bytes, for decoding. */
  private readonly bytes: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  private constructor(merges: Array<[number, number]>) {
    this.merges = merges;
    for (let i = 0; i < BYTE_OFFSET; i++) this.bytes.push(new Uint8Array(0));
    for (let b = 0; b < 256; b++) this.bytes.push(Uint8Array.of(b));
    merges.forEach(([left, right], i) => {
      const id = BYTE_OFFSET + 256 + i;
      const l = this.bytes[left];
      const r = this.bytes[right];
      if (!l || !r || left >= id || right >= id) throw new Error(`tokenizer merge ${i} refers to an unknown token`);
      const joined = new Uint8Array(l.length + r.length);
      joined.set(l);
      joined.set(r, l.length);
      this.bytes.push(joined);
      this.mergeIds.set(pairKey(left, right), id);
    });
    this.vocabSize = this.bytes.length;
  }

  /** Learns merges until the vocabulary has `vocabSize` tokens (specials + 256 bytes + merges). */
  static train(texts: string[], vocabSize: number): Tokenizer {
    const numMerges = vocabSize - BYTE_OFFSET - 256;
    if (!Number.isInteger(vocabSize) || numMerges < 0) {
      throw new Error(`vocabSize must be an integer of at least ${BYTE_OFFSET + 256}, got ${vocabSize}`);
    }
    // Count distinct words; BPE then runs on the (small) set of distinct words, weighted by count.
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const m of text.matchAll(WORD)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    }
    const words = [...counts.keys()].sort();
    const freq = words.map((w) => counts.get(w)!);
    const symbols: number[][] = words.map((w) => [...utf8(w)].map((b) => b + BYTE_OFFSET));
    const pairCount = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    const addPairs = (wi: number, sign: number): void => {
      const s = symbols[wi]!;
      for (let i = 0; i + 1 < s.length; i++) {
        const key = pairKey(s[i]!, s[i + 1]!);
        pairCount.set(key, (pairCount.get(key) ?? 0) + sign * freq[wi]!);
        if (sign > 0) {
          let set = pairWords.get(key);
          if (!set) pairWords.set(key, (set = new Set()));
          set.add(wi);
        }
      }
    };
    for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);

    const merges: Array<[number, number]> = [];
    for (let m = 0; m < numMerges; m++) {
      let best = -1;
      let bestCount = 0;
      for (const [key, count] of pairCount) {
        if (count > bestCount || (count === bestCount && count > 0 && key < best)) {
          best = key;
          bestCount = count;
        }
      }
      if (bestCount < 2) break; // nothing left worth merging: a smaller vocabulary
      const left = Math.floor(best / KEY_BASE);
      const right = best % KEY_BASE;
      const id = BYTE_OFFSET + 256 + m;
      merges.push([left, right]);
      const affected = [...(pairWords.get(best) ?? [])].sort((a, b) => a - b);
      for (const wi of affected) {
        addPairs(wi, -1);
        symbols[wi] = mergePair(symbols[wi]!, left, right, id);
        addPairs(wi, 1);
      }
      pairCount.delete(best);
      pairWords.delete(best);
    }
    return new Tokenizer(merges);
  }

  static fromJSON(json: unknown): Tokenizer {
    const j = json as Partial<TokenizerJSON> | null;
    if (!j || j.type !== 'finesweep-byte-bpe' || !Array.isArray(j.merges)) {
      throw new Error('not a finesweep tokenizer (expected type "finesweep-byte-bpe" and a merges array)');
    }
    for (const pair of j.merges) {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((x) => Number.isInteger(x) && x >= 0)) {
        throw new Error('tokenizer merges must be pairs of token ids');
      }
    }
    return new Tokenizer(j.merges.map(([a, b]) => [a, b] as [number, number]));
  }

  toJSON(): TokenizerJSON {
    const special: Record<string, number> = {};
    SPECIAL_TOKENS.forEach((name, i) => (special[name] = i));
    const decoder = new TextDecoder('utf-8', { fatal: false });
    return {
      type: 'finesweep-byte-bpe',
      version: 1,
      special,
      merges: this.merges.map(([a, b]) => [a, b]),
      vocab: this.bytes.map((b, i) => (i < BYTE_OFFSET ? SPECIAL_TOKENS[i]! : decoder.decode(b))),
    };
  }

  /** Token ids of the text (no bos/eos added). */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const m of text.matchAll(WORD)) {
      const word = m[0];
      let ids = this.cache.get(word);
      if (!ids) {
        ids = this.encodeWord(word);
        if (this.cache.size < 200_000) this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  decode(ids: number[]): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const id of ids) {
      const b = this.bytes[id];
      if (!b || id < BYTE_OFFSET) continue; // specials and unknown ids carry no text
      parts.push(b);
      length += b.length;
    }
    const all = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(all);
  }

  /** Applies merges by rank: repeatedly merge the adjacent pair created earliest in training. */
  private encodeWord(word: string): number[] {
    let s = [...utf8(word)].map((b) => b + BYTE_OFFSET);
    for (;;) {
      let bestId = Infinity;
      for (let i = 0; i + 1 < s.length; i++) {
        const id = this.mergeIds.get(pairKey(s[i]!, s[i + 1]!));
        if (id !== undefined && id < bestId) bestId = id;
      }
      if (bestId === Infinity) return s;
      const [left, right] = this.merges[bestId - BYTE_OFFSET - 256]!;
      s = mergePair(s, left, right, bestId);
    }
  }
}

const KEY_BASE = 1 << 20;
function pairKey(left: number, right: number): number {
  return left * KEY_BASE + right;
}

function mergePair(s: number[], left: number, right: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i] === left && s[i + 1] === right) {
      out.push(id);
      i++;
    } else out.push(s[i]!);
  }
  return out;
}

const encoder = new TextEncoder();
function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
