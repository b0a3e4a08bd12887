import { describe, expect, it } from 'vitest';
import { DecryptError } from './errors.js';
import { Keyring } from './keyring.js';
import { SteppedOpen } from './open-steps.js';
import { decryptPacket, encryptPacket } from './packet.js';

const keyA = new Uint8Array(16).fill(0xa1);
const keyB = new Uint8Array(32).fill(0xb2);
const aad = Uint8Array.of(0x0a, 0, 1, 2, 3);

function payload(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
}

/** Byte equality without vitest's element-by-element diffing (slow on large arrays). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

function runToEnd(open: SteppedOpen, bytes: number): number {
  let steps = 1;
  while (!open.step(bytes)) steps++;
  return steps;
}

describe('SteppedOpen', () => {
  it('given a 100 KB payload opened 16 KiB at a time, when done, then the plaintext equals decryptPacket after 7 steps', () => {
    const plain = payload(100_000);
    const blob = encryptPacket(keyA, plain, { version: 1, aad });
    const open = new SteppedOpen([keyA], blob, { aad });
    expect(runToEnd(open, 16_384)).toBe(7);
    expect(same(open.result(), decryptPacket([keyA], blob, { aad }))).toBe(true);
    expect(same(open.result(), plain)).toBe(true);
  });

  it('given a version-0 (padded) payload, when opened in slices, then the padding is removed as decryptPacket does', () => {
    const plain = payload(5000);
    const blob = encryptPacket(keyB, plain, { version: 0 });
    const open = new SteppedOpen([keyB], blob);
    runToEnd(open, 1000);
    expect(same(open.result(), plain)).toBe(true);
  });

  it('given a keyring whose second key sealed the payload, when opened in slices, then the first key fails at the tag and the second one opens it', () => {
    const plain = payload(50_000);
    const blob = encryptPacket(keyB, plain, { version: 1 });
    const open = new SteppedOpen(new Keyring([keyA, keyB]), blob);
    // One pass of 5 slices per key: the first pass ends in a failed tag check.
    expect(runToEnd(open, 10_000)).toBe(10);
    expect(same(open.result(), plain)).toBe(true);
  });

  it('given a tampered payload, when the last slice is checked, then ERR_DECRYPT and no plaintext is handed out', () => {
    const blob = encryptPacket(keyA, payload(30_000), { version: 1 });
    blob[100]! ^= 1;
    const open = new SteppedOpen([keyA], blob);
    let err: unknown;
    try {
      runToEnd(open, 8192);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecryptError);
    expect((err as DecryptError).code).toBe('ERR_DECRYPT');
    expect(() => open.result()).toThrow(DecryptError);
  });

  it('given a payload shorter than the minimum, when constructed, then ERR_TOO_SHORT at once', () => {
    expect(() => new SteppedOpen([keyA], Uint8Array.of(1, 2, 3))).toThrow(expect.objectContaining({ code: 'ERR_TOO_SHORT' }));
  });
});
