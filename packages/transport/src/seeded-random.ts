import type { Random, SeededRandom } from './runtime.js';

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 128-bit state): passes PractRand and BigCrush, has
 * no bad seeds in practice, and needs only 32-bit integer operations, so it is fast in JavaScript. Seeds are
 * expanded with splitmix32 over a 32-bit FNV-1a/murmur-style hash of the seed text.
 */

/** 32-bit hash of a string (FNV-1a followed by a murmur3 finaliser), used to turn seeds and labels into state. */
function hashString(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One splitmix32 step: decorrelates the four state words derived from a hash. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** The raw generator: a 32-bit output per call. */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // Discard the first outputs: sfc32's state needs a few rounds to mix a low-entropy seed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
}

/** Adapts a 32-bit generator to the {@link Random} interface (53-bit floats, unbiased integers). */
export class Uint32Random implements Random {
  constructor(protected readonly source: Sfc32) {}

  next(): number {
    const hi = this.source.nextUint32() >>> 5; // 27 bits
    const lo = this.source.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(n: number): number {
    if (!(n >= 1) || !Number.isFinite(n)) throw new RangeError(`int(n) needs a finite n >= 1, got ${n}`);
    n = Math.floor(n);
    if (n <= 0x100000000) {
      // Rejection sampling removes the modulo bias of `x % n`.
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const x = this.source.nextUint32();
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.next() * n);
  }

  bytes(buf: Uint8Array): Uint8Array {
    let i = 0;
    for (; i + 4 <= buf.length; i += 4) {
      const x = this.source.nextUint32();
      buf[i] = x & 0xff;
      buf[i + 1] = (x >>> 8) & 0xff;
      buf[i + 2] = (x >>> 16) & 0xff;
      buf[i + 3] = x >>> 24;
    }
    if (i < buf.length) {
      let x = this.source.nextUint32();
      for (; i < buf.length; i++, x >>>= 8) buf[i] = x & 0xff;
    }
    return buf;
  }
}

class SeededSfc32Random extends Uint32Random implements SeededRandom {
  constructor(readonly seed: string) {
    let s = hashString(seed, 0);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      s = splitmix32(s ^ hashString(seed, i + 1));
      words.push(s);
    }
    super(new Sfc32(words[0]!, words[1]!, words[2]!, words[3]!));
  }

  fork(label: string): SeededRandom {
    // The child's seed is a pure function of the parent seed and the label, hence independent of draw order.
    return new SeededSfc32Random(`${this.seed}/${label}`);
  }
}

/**
 * A fast deterministic generator (sfc32) for simulations and tests. The same seed gives the same sequence;
 * numbers and their decimal strings are equivalent seeds (`1` and `'1'`).
 */
export function createSeededRandom(seed: number | string): SeededRandom {
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new RangeError('seed must be finite');
  return new SeededSfc32Random(String(seed));
}
