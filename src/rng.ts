// The project's two seeded generators, in one home with distinct names; both streams are kept
// exactly, since recorded sweeps and shipped weights depend on them.
// - Sfc32 (search: random draws, TPE, trial and data seeds via deriveSeed): sfc32, 32-bit integer
//   arithmetic only (no platform float differences), its state filled from the seed by splitmix32.
// - mulberry32 (the engine: weight initialisation, data order, splits, head initialisation), with
//   mixSeed and shuffled: reproducible from a seed alone, so a resumed trial sees the same order
//   and a re-run pretraining writes the same bytes.

/** splitmix32 step: spreads even consecutive seeds (0, 1, 2...) over the whole state space. */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [next, (z ^ (z >>> 15)) >>> 0];
}

export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed`: an unsigned 32-bit integer (0 .. 4294967295). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`Sfc32 seed must be an integer in [0, 4294967295], got ${seed}`);
    }
    let s = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(s);
      s = next;
      words.push(out);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    // Discard the first outputs, as sfc32's authors recommend, to leave the seeding transient.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The next unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer uniform in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi) {
      throw new RangeError(`Sfc32.int needs integers lo <= hi, got ${lo}, ${hi}`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1], so the log is finite
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/**
 * Hashes the parts to an unsigned 32-bit seed (FNV-1a, then murmur3's finalizer to mix the bits).
 * Numbers and strings are tagged, so deriveSeed(1) and deriveSeed('1') differ.
 */
export function deriveSeed(...parts: (string | number)[]): number {
  return fmix32(fnv1a(parts.map((p) => (typeof p === 'number' ? `n:${p}` : `s:${p}`)).join('\u001f')));
}

/** FNV-1a, 32 bits, of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: every input bit moves every output bit. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// mulberry32 and its helpers: the engine's generator.

/** A stream of floats uniform in [0, 1) (mulberry32's). */
export type RandomFn = () => number;

export function mulberry32(seed: number): RandomFn {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers into one 32-bit seed (e.g. trial seed and epoch). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], rng: RandomFn): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
