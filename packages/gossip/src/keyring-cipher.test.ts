import { describe, expect, it } from 'vitest';
import { DecryptError, Keyring } from '@gossip/keyring';
import { keyringCipher } from './keyring-cipher.js';

const k1 = new Uint8Array(16).fill(1);
const k2 = new Uint8Array(32).fill(2);
const plain = new TextEncoder().encode('ping');
const aad = new TextEncoder().encode('prod');

describe('keyringCipher', () => {
  it('given a keyring, then sealed data opens with the same additional data and in both encryption versions', () => {
    const cipher = keyringCipher(new Keyring([k1]));
    for (const version of [0, 1] as const) {
      const sealed = cipher.encrypt(plain, aad, version);
      expect(sealed[0]).toBe(version);
      expect(cipher.decrypt(sealed, aad)).toEqual(plain);
      expect(() => cipher.decrypt(sealed, new Uint8Array(0))).toThrow(DecryptError);
    }
  });

  it('given a cipher, when its keyring is rotated afterwards, then the cipher follows the live keyring', () => {
    const ring = new Keyring([k1]);
    const cipher = keyringCipher(ring);
    const oldSealed = cipher.encrypt(plain, aad, 1);

    ring.addKey(k2);
    ring.useKey(k2);
    const newSealed = cipher.encrypt(plain, aad, 1);
    expect(keyringCipher(new Keyring([k2])).decrypt(newSealed, aad)).toEqual(plain);
    expect(cipher.decrypt(oldSealed, aad)).toEqual(plain); // k1 still installed

    ring.removeKey(k1);
    expect(() => cipher.decrypt(oldSealed, aad)).toThrow(DecryptError);
  });

  it('given a sealed frame, when opened in slices with decryptInSteps, then it gives what decrypt gives, with the keyring\'s keys', () => {
    const cipher = keyringCipher(new Keyring([k2, k1]));
    const big = new Uint8Array(10_000).fill(9);
    const sealed = keyringCipher(new Keyring([k1])).encrypt(big, aad, 1);
    const open = cipher.decryptInSteps!(sealed, aad);
    let steps = 1;
    while (!open.step(1000)) steps++;
    // One pass per key: k2 fails at the tag, k1 opens it.
    expect(steps).toBe(20);
    expect(open.result()).toEqual(cipher.decrypt(sealed, aad));
  });
});
