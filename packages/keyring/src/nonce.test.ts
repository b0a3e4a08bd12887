import { describe, expect, it } from 'vitest';
import { NONCE_SIZE } from './index.js';
import { secureRandomBytes, writeNonce } from './nonce.js';

describe('nonces', () => {
  it('given many draws from the pool (several refills), then no 12-byte nonce repeats', () => {
    const seen = new Set<string>();
    const out = new Uint8Array(NONCE_SIZE);
    for (let i = 0; i < 2000; i++) {
      writeNonce(out, 0, undefined, undefined);
      seen.add(Buffer.from(out).toString('hex'));
    }
    expect(seen.size).toBe(2000);
  });

  it('given secureRandomBytes results kept across refills, then they are not overwritten', () => {
    const first = secureRandomBytes(NONCE_SIZE);
    const copy = first.slice();
    for (let i = 0; i < 1000; i++) secureRandomBytes(NONCE_SIZE);
    expect(first).toEqual(copy);
    expect(secureRandomBytes(10_000)).toHaveLength(10_000);
  });

  it('given a fixed nonce or a source, then it is written at the offset; a wrong size is ERR_NONCE_SIZE', () => {
    const out = new Uint8Array(20);
    writeNonce(out, 3, new Uint8Array(12).fill(9), undefined);
    expect([...out.subarray(3, 15)]).toEqual(new Array(12).fill(9));
    writeNonce(out, 0, undefined, (n) => new Uint8Array(n + 4).fill(5));
    expect([...out.subarray(0, 12)]).toEqual(new Array(12).fill(5));
    expect(() => writeNonce(out, 0, new Uint8Array(13), undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_NONCE_SIZE' }),
    );
  });
});
