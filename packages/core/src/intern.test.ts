import { describe, expect, it } from 'vitest';
import { internAddr, internVsn } from './intern.js';

describe('interning', () => {
  it('given equal addresses from different messages, when interned, then one shared copy with its text is returned', () => {
    const a = internAddr(Uint8Array.of(10, 1, 2, 3));
    const b = internAddr(Uint8Array.of(10, 1, 2, 3));
    expect(a).toBe(b);
    expect(a.ip).toBe('10.1.2.3');
    expect(internAddr(Uint8Array.of(10, 1, 2, 4))).not.toBe(a);
  });

  it('given a 16-byte IPv4-mapped address, when interned, then it stays 16 bytes (byte-exact re-gossip) but reads as IPv4', () => {
    const mapped = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3);
    const v = internAddr(mapped);
    expect(v.addr.length).toBe(16);
    expect(v.ip).toBe('10.1.2.3');
    expect(v).not.toBe(internAddr(Uint8Array.of(10, 1, 2, 3)));
  });

  it('given address bytes of a bad length, when interned, then the text form is Go-style `?hex` instead of a throw', () => {
    expect(internAddr(Uint8Array.of(1, 2, 3)).ip).toBe('?010203');
  });

  it('given equal version vectors, when interned, then they share one copy that does not alias the input', () => {
    const input = Uint8Array.of(1, 5, 2, 0, 0, 0);
    const v = internVsn(input);
    expect(internVsn(Uint8Array.of(1, 5, 2, 0, 0, 0))).toBe(v);
    input[0] = 9;
    expect(v[0]).toBe(1);
  });
});
