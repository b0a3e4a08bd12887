import { describe, expect, it } from 'vitest';
import { decodeCompound, encodeCompound } from './compound.js';
import { WireError } from './errors.js';

const msg = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};

describe('encodeCompound', () => {
  it('given one message, when packed, then it is returned bare', () => {
    const m = msg(5);
    expect(encodeCompound([m])).toEqual([m]);
  });

  it('given no messages, when packed, then nothing is sent', () => {
    expect(encodeCompound([])).toEqual([]);
  });

  it('given 300 messages, when packed with the default limit, then compounds of at most 127 parts are made (v0.2.2-safe)', () => {
    const out = encodeCompound(Array.from({ length: 300 }, () => msg(3)));
    expect(out.map((c) => c[1])).toEqual([127, 127, 46]);
    expect(out.every((c) => c[0] === 7)).toBe(true);
  });

  it('given 256 messages and maxParts 255, when packed, then the last lone message is sent bare', () => {
    const out = encodeCompound(Array.from({ length: 256 }, () => msg(2)), 255);
    expect(out.length).toBe(2);
    expect(out[0]![1]).toBe(255);
    expect(out[1]).toEqual(msg(2));
  });

  it('given an empty message, a part over 65535 bytes or a bad maxParts, when packed, then it is refused', () => {
    expect(codeOf(() => encodeCompound([msg(1), new Uint8Array(0)]))).toBe('ERR_EMPTY');
    expect(codeOf(() => encodeCompound([msg(1), msg(65536)]))).toBe('ERR_TOO_LARGE');
    expect(codeOf(() => encodeCompound([msg(1), msg(1)], 0))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => encodeCompound([msg(1), msg(1)], 256))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('given a 65535-byte part, when packed and split, then it survives', () => {
    const [c] = encodeCompound([msg(65535, 2), msg(1, 3)]);
    expect(decodeCompound(c!).parts.map((p) => p.length)).toEqual([65535, 1]);
  });
});

describe('decodeCompound', () => {
  it('given a part longer than the remaining bytes, when split, then earlier parts are kept and the rest counted as truncated', () => {
    const [c] = encodeCompound([msg(2, 1), msg(3, 2), msg(4, 3)]);
    const cut = c!.subarray(0, c!.length - 1);
    const out = decodeCompound(cut);
    expect(out.parts).toEqual([msg(2, 1), msg(3, 2)]);
    expect(out.truncated).toBe(1);
  });

  it('given fewer bytes than the length table needs, when split, then ERR_TRUNCATED (Go drops the packet)', () => {
    expect(codeOf(() => decodeCompound(new Uint8Array([7, 3, 0, 1])))).toBe('ERR_TRUNCATED');
    expect(codeOf(() => decodeCompound(new Uint8Array([7])))).toBe('ERR_TRUNCATED');
  });

  it('given trailing bytes, zero parts or a zero-length part, when split, then Go’s behaviour is kept', () => {
    expect(decodeCompound(new Uint8Array([7, 1, 0, 1, 9, 8, 8])).parts).toEqual([new Uint8Array([9])]);
    expect(decodeCompound(new Uint8Array([7, 0]))).toEqual({ parts: [], truncated: 0 });
    expect(decodeCompound(new Uint8Array([7, 1, 0, 0])).parts).toEqual([new Uint8Array(0)]);
  });

  it('given a message that is not a compound, when split, then ERR_UNKNOWN_TYPE', () => {
    expect(codeOf(() => decodeCompound(new Uint8Array([8, 0])))).toBe('ERR_UNKNOWN_TYPE');
    expect(codeOf(() => decodeCompound(new Uint8Array(0)))).toBe('ERR_EMPTY');
  });
});
