import { describe, expect, it } from 'vitest';
import { WireError } from './errors.js';
import { lzwCompress, lzwDecompress } from './lzw.js';
import { LzwCompressor, LzwDecompressor } from './lzw-steps.js';

/** Byte equality without vitest's element-by-element diffing (slow on large arrays). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** Deterministic bytes that fill the dictionary several times (so CLEARs and width changes fall inside slices). */
function noise(n: number): Uint8Array {
  const data = new Uint8Array(n);
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = i % 3 === 0 ? x >>> 28 : (x >>> 24) & 0x3f;
  }
  return data;
}

describe('LzwCompressor', () => {
  it('given input compressed in 1 KiB slices, when done, then the stream is byte-identical to lzwCompress', () => {
    const data = noise(60_000);
    const c = new LzwCompressor(data);
    let steps = 1;
    while (!c.step(256)) steps++;
    expect(steps).toBe(Math.ceil(data.length / 256));
    expect(same(c.result(), lzwCompress(data))).toBe(true);
  });

  it('given empty input, when stepped once, then it is CLEAR then EOF like lzwCompress', () => {
    const c = new LzwCompressor(new Uint8Array(0));
    expect(c.step(1)).toBe(true);
    expect(same(c.result(), lzwCompress(new Uint8Array(0)))).toBe(true);
  });
});

describe('LzwDecompressor', () => {
  it('given a stream decompressed 4 KiB at a time, when done, then the output equals lzwDecompress and each slice stays near its bound', () => {
    const data = noise(60_000);
    const compressed = lzwCompress(data);
    const d = new LzwDecompressor(compressed);
    let steps = 0;
    let before = 0;
    for (;;) {
      steps++;
      const done = d.step(4096);
      // One dictionary entry (at most 4,096 bytes) may overshoot the slice.
      expect(d.produced - before).toBeLessThanOrEqual(8192);
      before = d.produced;
      if (done) break;
    }
    expect(steps).toBeGreaterThanOrEqual(Math.floor(data.length / 8192));
    expect(same(d.result(), lzwDecompress(compressed))).toBe(true);
    expect(same(d.result(), data)).toBe(true);
  });

  it('given a one-shot decompression between two slices, when both finish, then neither disturbs the other', () => {
    const a = noise(40_000);
    const b = noise(20_000).reverse();
    const d = new LzwDecompressor(lzwCompress(a));
    d.step(10_000);
    expect(same(lzwDecompress(lzwCompress(b)), b)).toBe(true);
    while (!d.step(10_000));
    expect(same(d.result(), a)).toBe(true);
  });

  it('given a bomb over the bound, when stepped, then a slice throws ERR_TOO_LARGE before output passes the bound', () => {
    const d = new LzwDecompressor(lzwCompress(new Uint8Array(5_000_000)), 1_000_000);
    let err: unknown;
    try {
      while (!d.step(100_000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).code).toBe('ERR_TOO_LARGE');
    expect(d.produced).toBeLessThanOrEqual(1_000_000);
  });

  it('given output that outgrows 1 MiB, when stepped, then each growth copies in steps of its own that decode nothing, and the result is exact', () => {
    // Mostly zeros with a marker every 4,099 bytes: it compresses ~500×, so the output buffer starts small and grows
    // several times, and a misplaced byte would show.
    const big = new Uint8Array(24 << 20);
    for (let i = 0; i < big.length; i += 4099) big[i] = (i >>> 12) & 0xff;
    const d = new LzwDecompressor(lzwCompress(big), 40 << 20);
    let copySteps = 0;
    let peakHeld = 0;
    for (;;) {
      const before = d.produced;
      const heldBefore = d.held;
      const done = d.step(1 << 20);
      peakHeld = Math.max(peakHeld, d.held);
      if (done) break;
      if (d.produced === before) {
        copySteps++;
        // While copying, both buffers are accounted.
        expect(d.held).toBeGreaterThan(heldBefore > 4 << 20 ? 4 << 20 : 0);
      }
    }
    // A step asked for 1 MiB copies at most 4 MiB: 2→4 and 4→8 MiB take a copy step each, 8→16 MiB 2, 16→32 MiB 4.
    expect(copySteps).toBeGreaterThanOrEqual(8);
    expect(peakHeld).toBeGreaterThan(32 << 20);
    expect(same(d.result(), big)).toBe(true);
  });

  it('given small steps, when the output grows, then each copy step copies no more than 256 KiB (so a turn budget checked between steps bounds the turn)', () => {
    const big = new Uint8Array(24 << 20);
    for (let i = 0; i < big.length; i += 4099) big[i] = (i >>> 12) & 0xff;
    const d = new LzwDecompressor(lzwCompress(big), 40 << 20);
    let copySteps = 0;
    for (;;) {
      const before = d.produced;
      if (d.step(16 << 10)) break;
      if (d.produced === before) copySteps++;
    }
    // Growing 16→32 MiB alone copies 16 MiB: at most 256 KiB a step, that is at least 64 steps.
    expect(copySteps).toBeGreaterThanOrEqual(64);
    expect(same(d.result(), big)).toBe(true);
  });

  it('given a truncated stream, when stepped to its end, then ERR_LZW', () => {
    const compressed = lzwCompress(noise(10_000));
    const d = new LzwDecompressor(compressed.subarray(0, compressed.length - 100));
    expect(() => {
      while (!d.step(1000));
    }).toThrow(expect.objectContaining({ code: 'ERR_LZW' }));
  });
});
