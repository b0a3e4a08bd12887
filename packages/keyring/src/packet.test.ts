import { describe, expect, it } from 'vitest';
import { DecryptError, KeyringError } from './errors.js';
import { Keyring } from './keyring.js';
import { ENCRYPT_OVERHEAD_V0, ENCRYPT_OVERHEAD_V1, encryptOverhead, encryptedLength } from './index.js';
import {
  MIN_ENCRYPTED_LENGTH_V0,
  MIN_ENCRYPTED_LENGTH_V1,
  decryptPacket,
  encryptPacket,
  encryptionVersionFor,
} from './packet.js';

const keyA = new Uint8Array(16).fill(0xa1);
const keyB = new Uint8Array(24).fill(0xb2);
const keyC = new Uint8Array(32).fill(0xc3);
const message = new TextEncoder().encode('hello memberlist');

function decryptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    return (error as DecryptError).code;
  }
  return undefined;
}

function counterNonces(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => new Uint8Array(n).fill(++counter);
}

describe('sizes and versions', () => {
  it('given the constants, then they match memberlist (29 / 45)', () => {
    expect([ENCRYPT_OVERHEAD_V1, ENCRYPT_OVERHEAD_V0, MIN_ENCRYPTED_LENGTH_V1, MIN_ENCRYPTED_LENGTH_V0]).toEqual([
      29, 45, 29, 45,
    ]);
    expect(encryptOverhead(1)).toBe(29);
    expect(encryptOverhead(0)).toBe(45);
  });

  it.each([
    [1, 0, 29],
    [1, 18, 47],
    [0, 0, 45],
    [0, 15, 45],
    [0, 16, 61],
    [0, 18, 61],
    [0, 80, 125],
  ] as const)('given version %i and %i plaintext bytes, then the encrypted length is %i', (version, n, length) => {
    expect(encryptedLength(version, n)).toBe(length);
    expect(encryptPacket(keyA, new Uint8Array(n), { version })).toHaveLength(length);
  });

  it('given protocol version 1, then encryption version 0; given 2..5, then 1', () => {
    expect(encryptionVersionFor(1)).toBe(0);
    for (const pv of [2, 3, 4, 5]) expect(encryptionVersionFor(pv)).toBe(1);
  });

  it('given an unknown version option, then encryption fails with ERR_UNKNOWN_VERSION', () => {
    expect(() => encryptPacket(keyA, message, { version: 2 as 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_VERSION' }),
    );
  });

  it('given a nonce that is not 12 bytes, then encryption fails with ERR_NONCE_SIZE', () => {
    expect(() => encryptPacket(keyA, message, { nonce: new Uint8Array(8) })).toThrow(KeyringError);
    expect(() => encryptPacket(keyA, message, { randomBytes: () => new Uint8Array(4) })).toThrow(
      expect.objectContaining({ code: 'ERR_NONCE_SIZE' }),
    );
  });
});

describe('encryptPacket / decryptPacket', () => {
  for (const key of [keyA, keyB, keyC]) {
    for (const version of [0, 1] as const) {
      it(`given AES-${key.length * 8} version ${version}, when sealed and opened, then the message round-trips`, () => {
        const sealed = encryptPacket(key, message, { version });
        expect(sealed[0]).toBe(version);
        expect(decryptPacket(key, sealed)).toEqual(message);
      });
    }
  }

  it('given a keyring, then its primary encrypts and every installed key decrypts, primary first', () => {
    const sender = new Keyring([keyB, keyA]);
    const receiver = new Keyring([keyC, keyA, keyB]);
    expect(decryptPacket(receiver, encryptPacket(sender, message))).toEqual(message);
    expect(decryptPacket([keyC, keyB], encryptPacket(sender, message))).toEqual(message);
  });

  it('given an injected nonce source, then each message takes fresh bytes from it', () => {
    const randomBytes = counterNonces();
    const first = encryptPacket(keyA, message, { randomBytes });
    const second = encryptPacket(keyA, message, { randomBytes });
    expect(first.subarray(1, 13)).toEqual(new Uint8Array(12).fill(1));
    expect(second.subarray(1, 13)).toEqual(new Uint8Array(12).fill(2));
  });

  it('given the default nonce source, then two seals of one message differ', () => {
    expect(encryptPacket(keyA, message)).not.toEqual(encryptPacket(keyA, message));
  });

  it('given an empty message, then it round-trips in both versions', () => {
    for (const version of [0, 1] as const) {
      expect(decryptPacket(keyA, encryptPacket(keyA, new Uint8Array(0), { version }))).toHaveLength(0);
    }
  });

  it('given AAD, when opened with another or no AAD, then ERR_DECRYPT', () => {
    const aad = new TextEncoder().encode('prod');
    const sealed = encryptPacket(keyA, message, { aad });
    expect(decryptPacket(keyA, sealed, { aad })).toEqual(message);
    expect(decryptCode(() => decryptPacket(keyA, sealed))).toBe('ERR_DECRYPT');
    expect(decryptCode(() => decryptPacket(keyA, sealed, { aad: new TextEncoder().encode('dev') }))).toBe(
      'ERR_DECRYPT',
    );
  });

  it('given a key that is not installed, then ERR_DECRYPT', () => {
    expect(decryptCode(() => decryptPacket(new Keyring([keyB, keyC]), encryptPacket(keyA, message)))).toBe(
      'ERR_DECRYPT',
    );
  });

  it('given any single flipped bit after the version byte, then ERR_DECRYPT', () => {
    const sealed = encryptPacket(keyA, message, { version: 1 });
    for (let i = 1; i < sealed.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = sealed.slice();
        tampered[i]! ^= bit;
        expect(decryptCode(() => decryptPacket(keyA, tampered))).toBe('ERR_DECRYPT');
      }
    }
  });

  it('given the unauthenticated version byte flipped from 1 to 0 in transit, then a typed error, never a crash', () => {
    // GCM does not cover the version byte, so the payload still authenticates and is unpadded as version 0:
    // the last plaintext byte ("t" = 116) exceeds the 16-byte plaintext. memberlist v0.2.2 panics on this.
    const sealed = encryptPacket(keyA, message, { version: 1 });
    sealed[0] = 0;
    expect(decryptCode(() => decryptPacket(keyA, sealed))).toBe('ERR_BAD_PADDING');
    sealed[0] = 0x81;
    expect(decryptCode(() => decryptPacket(keyA, sealed))).toBe('ERR_UNKNOWN_VERSION');
  });

  it('given input shorter than the version minimum, then ERR_TOO_SHORT', () => {
    expect(decryptCode(() => decryptPacket(keyA, new Uint8Array(0)))).toBe('ERR_TOO_SHORT');
    expect(decryptCode(() => decryptPacket(keyA, new Uint8Array(28).fill(0).fill(1, 0, 1)))).toBe('ERR_TOO_SHORT');
    expect(decryptCode(() => decryptPacket(keyA, new Uint8Array(44)))).toBe('ERR_TOO_SHORT');
    const sealed = encryptPacket(keyA, message, { version: 0 });
    expect(decryptCode(() => decryptPacket(keyA, sealed.subarray(0, sealed.length - 1)))).toBe('ERR_DECRYPT');
  });

  it('given a version byte above 1, then ERR_UNKNOWN_VERSION', () => {
    const sealed = encryptPacket(keyA, message);
    sealed[0] = 2;
    expect(decryptCode(() => decryptPacket(keyA, sealed))).toBe('ERR_UNKNOWN_VERSION');
  });

  it('given an authenticated version-0 payload whose pad count exceeds its length, then ERR_BAD_PADDING', () => {
    // An authenticated sender can craft this: seal 16 bytes ending in 0xff as version 1, relabel as version 0.
    // GCM does not cover the version byte, so the payload still authenticates.
    const plain = new Uint8Array(16).fill(0xff);
    const sealed = encryptPacket(keyA, plain, { version: 1 });
    const crafted = new Uint8Array(MIN_ENCRYPTED_LENGTH_V0);
    crafted.set(sealed);
    crafted[0] = 0;
    expect(decryptCode(() => decryptPacket(keyA, crafted))).toBe('ERR_BAD_PADDING');
  });

  it('given a version-1 payload relabelled as version 0, then the last byte is treated as padding, as in Go', () => {
    const plain = new Uint8Array(16).fill(3);
    const sealed = encryptPacket(keyA, plain, { version: 1 });
    const relabelled = sealed.slice();
    relabelled[0] = 0;
    expect(decryptPacket(keyA, relabelled)).toEqual(new Uint8Array(13).fill(3));
  });

  it('given a raw key of the wrong size, then a KeyringError ERR_KEY_SIZE (configuration, not input)', () => {
    expect(() => encryptPacket(new Uint8Array(10), message)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SIZE' }),
    );
    expect(() => decryptPacket([], new Uint8Array(40))).toThrow(expect.objectContaining({ code: 'ERR_NO_KEYS' }));
  });

  it('given a rotated keyring, then packets sealed before and after the rotation both open during the overlap', () => {
    const ring = new Keyring([keyA]);
    const before = encryptPacket(ring, message);
    ring.addKey(keyC);
    ring.useKey(keyC);
    const after = encryptPacket(ring, message);
    expect(decryptPacket(ring, before)).toEqual(message);
    expect(decryptPacket(ring, after)).toEqual(message);
    expect(decryptCode(() => decryptPacket(keyA, after))).toBe('ERR_DECRYPT');
    ring.removeKey(keyA);
    expect(decryptCode(() => decryptPacket(ring, before))).toBe('ERR_DECRYPT');
  });
});
