import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './seeded-random.js';
import { systemRandom } from './system-random.js';

describe('createSeededRandom', () => {
  it('given one seed, when two generators draw, then they produce the same sequence; another seed differs', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom('42');
    const c = createSeededRandom(43);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(seqA);
  });

  it('given forks, when the parent draws in between, then a fork depends only on seed and label', () => {
    const parent = createSeededRandom('sim');
    const first = parent.fork('node-1');
    parent.next();
    parent.next();
    const again = parent.fork('node-1');
    const other = parent.fork('node-2');
    const s1 = Array.from({ length: 20 }, () => first.int(1_000_000));
    expect(Array.from({ length: 20 }, () => again.int(1_000_000))).toEqual(s1);
    expect(Array.from({ length: 20 }, () => other.int(1_000_000))).not.toEqual(s1);
    expect(first.seed).toBe('sim/node-1');
  });

  it('given 1 000 000 draws, when bucketed, then floats and integers are uniform (chi-square) and in range', () => {
    const random = createSeededRandom('uniformity');
    const buckets = 100;
    const floats = new Array<number>(buckets).fill(0);
    const ints = new Array<number>(buckets).fill(0);
    const n = 1_000_000;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const x = random.next();
      if (!(x >= 0 && x < 1)) inRange = false;
      floats[Math.floor(x * buckets)]!++;
      ints[random.int(buckets)]!++;
    }
    expect(inRange).toBe(true);
    const chi = (counts: number[]) => counts.reduce((s, c) => s + (c - n / buckets) ** 2 / (n / buckets), 0);
    // 99 degrees of freedom: the 99.9th percentile is about 148.
    expect(chi(floats)).toBeLessThan(148);
    expect(chi(ints)).toBeLessThan(148);
  });

  it('given int(n) for awkward n, when drawn, then values stay in [0, n) and reach both ends', () => {
    const random = createSeededRandom(1);
    for (const n of [1, 2, 3, 7, 1000, 2 ** 32, 2 ** 40]) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < 5000; i++) {
        const v = random.int(n);
        expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (n <= 7) expect(min).toBe(0);
      if (n <= 7) expect(max).toBe(n - 1);
    }
    expect(() => random.int(0)).toThrow(RangeError);
    expect(() => random.int(Number.NaN)).toThrow(RangeError);
  });

  it('given bytes(), when filling buffers of odd lengths, then every byte value appears about equally', () => {
    const random = createSeededRandom('bytes');
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1000; i++) for (const b of random.bytes(new Uint8Array(257))) counts[b]!++;
    const expected = (1000 * 257) / 256;
    const chi = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(340); // 255 dof, 99.9th percentile ≈ 330
  });
});

describe('systemRandom', () => {
  it('given large buffers, when bytes() fills them, then the CSPRNG chunking covers every byte', () => {
    const buf = systemRandom.bytes(new Uint8Array(200_000));
    const zeros = buf.reduce((s, b) => s + (b === 0 ? 1 : 0), 0);
    expect(zeros).toBeLessThan(2000); // ≈ 781 expected; a missed chunk would leave 65 536 zeros
    const x = systemRandom.next();
    expect(x >= 0 && x < 1).toBe(true);
    expect(systemRandom.int(10)).toBeLessThan(10);
  });
});
