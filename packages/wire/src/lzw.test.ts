import { describe, expect, it } from 'vitest';
import { WireError } from './errors.js';
import { lzwCompress, lzwDecompress } from './lzw.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};

describe('lzwCompress', () => {
  it('given empty input, when compressed, then the stream is CLEAR then EOF as 9-bit LSB codes (3 bytes)', () => {
    // 256 | 257 << 9 = 0x20300: 18 bits, emitted low byte first.
    expect(hex(lzwCompress(new Uint8Array(0)))).toBe('000302');
  });

  it('given one byte, when compressed, then CLEAR, the literal and EOF follow', () => {
    // 256 | 0x41 << 9 | 257 << 18 = 0x04048300, emitted low byte first.
    expect(hex(lzwCompress(new Uint8Array([0x41])))).toBe('00830404');
    expect(lzwDecompress(lzwCompress(new Uint8Array([0x41])))).toEqual(new Uint8Array([0x41]));
  });

  it('given input long enough to fill the 4096-code dictionary several times, when round-tripped, then it is unchanged', () => {
    const data = new Uint8Array(200_000);
    let x = 1;
    for (let i = 0; i < data.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      data[i] = x >>> 26;
    }
    expect(lzwDecompress(lzwCompress(data))).toEqual(data);
  });

  it('given a long run of one byte (the KwKwK case), when round-tripped, then it is unchanged', () => {
    const data = new Uint8Array(50_000).fill(9);
    const compressed = lzwCompress(data);
    expect(compressed.length).toBeLessThan(1000);
    expect(lzwDecompress(compressed)).toEqual(data);
  });

  it('given long runs between varied bytes (KwKwK strings that start mid-output), when round-tripped, then it is unchanged', () => {
    const parts: number[] = [];
    let x = 7;
    for (const [byte, run] of [[7, 20_000], [3, 30_000], [7, 65], [200, 9_000]] as const) {
      for (let i = 0; i < 997; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        parts.push(x >>> 24);
      }
      for (let i = 0; i < run; i++) parts.push(byte);
    }
    const data = Uint8Array.from(parts);
    expect(lzwDecompress(lzwCompress(data))).toEqual(data);
  });
});

describe('lzwDecompress', () => {
  it('given a stream without its EOF code, when decompressed, then ERR_LZW like Go’s io.ErrUnexpectedEOF', () => {
    const stream = lzwCompress(new Uint8Array(100).fill(1));
    expect(codeOf(() => lzwDecompress(stream.subarray(0, stream.length - 2)))).toBe('ERR_LZW');
    expect(codeOf(() => lzwDecompress(new Uint8Array(0)))).toBe('ERR_LZW');
  });

  it('given a code beyond the next free dictionary slot, when decompressed, then ERR_LZW', () => {
    // CLEAR, then code 300 (undefined) as the first 9-bit code after it.
    const bits = 256 | (300 << 9);
    expect(codeOf(() => lzwDecompress(new Uint8Array([bits & 255, (bits >> 8) & 255, bits >> 16])))).toBe('ERR_LZW');
  });

  it('given output beyond maxSize, when decompressed, then ERR_TOO_LARGE before the buffer grows past the bound', () => {
    const stream = lzwCompress(new Uint8Array(10_000));
    expect(codeOf(() => lzwDecompress(stream, 9_999))).toBe('ERR_TOO_LARGE');
    expect(lzwDecompress(stream, 10_000).length).toBe(10_000);
  });

  it('given bytes after the EOF code, when decompressed, then they are ignored', () => {
    const stream = lzwCompress(new Uint8Array([1, 2, 3]));
    expect(lzwDecompress(Uint8Array.of(...stream, 0xff, 0xff))).toEqual(new Uint8Array([1, 2, 3]));
  });
});
