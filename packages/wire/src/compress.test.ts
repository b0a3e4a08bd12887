import { describe, expect, it } from 'vitest';
import { decodeCompress, encodeCompress, parseCompress } from './compress.js';
import { WireError } from './errors.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};

describe('compress message', () => {
  it('given a payload, when wrapped, then it is 0x09 + {Algo: 0, Buf} with keys in Go order and Buf as raw str', () => {
    const msg = encodeCompress(new Uint8Array(100).fill(1));
    expect(Buffer.from(msg.subarray(0, 11)).toString('hex')).toBe('0982a4416c676f00a34275');
    expect(parseCompress(msg).algo).toBe(0);
    expect(decodeCompress(msg)).toEqual(new Uint8Array(100).fill(1));
  });

  it('given an LZW stream of 32 bytes or more, when wrapped, then Buf uses the da (str16) header like Go', () => {
    const payload = new Uint8Array(200).map((_, i) => (i * 97) & 0xff);
    const msg = encodeCompress(payload);
    expect(msg[12]).toBe(0xda);
    expect(decodeCompress(msg)).toEqual(payload);
  });

  it('given Buf as bin or keys in another order, when decoded, then it is accepted like Go', () => {
    const lzw = encodeCompress(new Uint8Array([5])).subarray(13);
    const msg = Uint8Array.of(9, 0x82, 0xa3, ...Buffer.from('Buf'), 0xc4, lzw.length, ...lzw, 0xa4, ...Buffer.from('Algo'), 0);
    expect(decodeCompress(msg)).toEqual(new Uint8Array([5]));
  });

  it('given an unknown algorithm, a missing Buf or a size over the bound, when decoded, then the matching WireError', () => {
    const msg = encodeCompress(new Uint8Array(1000));
    const algo1 = Uint8Array.from(msg);
    algo1[7] = 1;
    expect(codeOf(() => decodeCompress(algo1))).toBe('ERR_UNKNOWN_ALGO');
    expect(codeOf(() => decodeCompress(Uint8Array.of(9, 0x81, 0xa4, ...Buffer.from('Algo'), 0)))).toBe('ERR_LZW');
    expect(codeOf(() => decodeCompress(msg, 999))).toBe('ERR_TOO_LARGE');
    expect(codeOf(() => decodeCompress(Uint8Array.of(8)))).toBe('ERR_UNKNOWN_TYPE');
  });
});
