/**
 * A deterministic stand-in for AES-GCM with memberlist's framing (`vsn | nonce(12) | ct | tag(16)`), for tests:
 * XOR "encryption" with a key byte, and a tag that authenticates key, AAD and ciphertext. Not secure; it only has
 * to fail on a wrong key or AAD exactly like the real cipher does.
 */
import type { PacketCipher } from '../src/index.js';

function tag(key: number, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  let h = 0x811c9dc5 ^ key;
  const mix = (b: number): void => {
    h = Math.imul(h ^ b, 0x01000193) >>> 0;
  };
  for (const b of aad) mix(b);
  mix(0xff);
  for (const b of ct) mix(b);
  for (let i = 0; i < 16; i++) {
    mix(i);
    out[i] = h & 0xff;
  }
  return out;
}

/** A cipher with one or more single-byte keys; the first encrypts, all decrypt. */
export function fakeCipher(...keys: number[]): PacketCipher & { decryptFailures: number } {
  const state = { decryptFailures: 0 };
  return Object.assign(state, {
    encrypt(plaintext: Uint8Array, aad: Uint8Array, version: 0 | 1): Uint8Array {
      const key = keys[0]!;
      let body = plaintext;
      if (version === 0) {
        const pad = 16 - (plaintext.length % 16);
        body = new Uint8Array(plaintext.length + pad);
        body.set(plaintext);
        body.fill(pad, plaintext.length);
      }
      const ct = body.map((b) => b ^ key);
      const out = new Uint8Array(1 + 12 + ct.length + 16);
      out[0] = version;
      out.set(ct, 13);
      out.set(tag(key, aad, ct), 13 + ct.length);
      return out;
    },
    decrypt(data: Uint8Array, aad: Uint8Array): Uint8Array {
      if (data.length < 29 || data[0]! > 1) {
        state.decryptFailures++;
        throw new Error('invalid ciphertext');
      }
      const ct = data.subarray(13, data.length - 16);
      const t = data.subarray(data.length - 16);
      for (const key of keys) {
        const want = tag(key, aad, ct);
        if (want.every((b, i) => b === t[i])) {
          const plain = ct.map((b) => b ^ key);
          if (data[0] === 0) return plain.subarray(0, plain.length - plain[plain.length - 1]!);
          return plain;
        }
      }
      state.decryptFailures++;
      throw new Error('no installed key could decrypt the message');
    },
  });
}
