import { describe, expect, it } from 'vitest';
import { crc32, unwrapCrc, wrapCrc } from './crc32.js';
import type { WireError } from './errors.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32', () => {
  it('given the standard check input "123456789", when hashed, then CRC-32/IEEE gives 0xcbf43926', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('given inputs of every length mod 4, when hashed, then the sliced and bytewise paths agree with a bitwise reference', () => {
    const bitwise = (d: Uint8Array): number => {
      let c = 0xffffffff;
      for (const b of d) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (let n = 0; n < 12; n++) {
      const d = new Uint8Array(n).map((_, i) => i * 37 + n);
      expect(crc32(d)).toBe(bitwise(d));
    }
  });
});

describe('wrapCrc / unwrapCrc', () => {
  it('given a payload, when wrapped and unwrapped, then 0x0c + BE CRC precedes it and the payload comes back', () => {
    const p = ascii('hello');
    const w = wrapCrc(p);
    expect(w[0]).toBe(0x0c);
    expect(((w[1]! << 24) | (w[2]! << 16) | (w[3]! << 8) | w[4]!) >>> 0).toBe(crc32(p));
    expect(unwrapCrc(w)).toEqual(p);
  });

  it('given a flipped bit, when unwrapped, then ERR_CRC_MISMATCH', () => {
    const w = wrapCrc(ascii('hello'));
    w[6]! ^= 1;
    expect(() => unwrapCrc(w)).toThrow(expect.objectContaining({ code: 'ERR_CRC_MISMATCH' }) as WireError);
  });

  it('given fewer than 5 bytes, when unwrapped, then ERR_TRUNCATED', () => {
    expect(() => unwrapCrc(new Uint8Array([0x0c, 1, 2]))).toThrow(expect.objectContaining({ code: 'ERR_TRUNCATED' }) as WireError);
  });
});
