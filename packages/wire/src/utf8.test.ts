import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode, writeAscii } from './utf8.js';

describe('utf8', () => {
  it('given ASCII and non-ASCII text of short and long lengths, when encoded and decoded, then it round-trips like TextEncoder', () => {
    for (const s of ['', 'node-a', 'x'.repeat(100), 'nœud', '東京-'.repeat(20), '🙂']) {
      const b = utf8Encode(s);
      expect(b).toEqual(new TextEncoder().encode(s));
      expect(utf8Decode(b, 0, b.length)).toBe(s);
    }
  });

  it('given a non-ASCII string or too little room, when written as ASCII, then -1 asks for the general path', () => {
    const buf = new Uint8Array(4);
    expect(writeAscii(buf, 0, 'abc')).toBe(3);
    expect(writeAscii(buf, 0, 'é')).toBe(-1);
    expect(writeAscii(buf, 2, 'abc')).toBe(-1);
  });

  it('given invalid UTF-8, when decoded, then U+FFFD replaces the bad bytes instead of throwing', () => {
    expect(utf8Decode(new Uint8Array([0x61, 0xc3]), 0, 2)).toBe('a\ufffd');
  });
});
