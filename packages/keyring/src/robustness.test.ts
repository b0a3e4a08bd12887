/**
 * Properties: whatever arrives from the network, opening it either succeeds or throws a DecryptError with a code;
 * nothing else escapes. And whatever is sealed opens again, unless altered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecryptError } from './errors.js';
import { Keyring } from './keyring.js';
import { decryptPacket, encryptPacket } from './packet.js';
import { PacketSecurity } from './security.js';
import { decryptStreamFrame, encryptStreamFrame, readStreamFrameHeader } from './stream.js';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const versionArb = fc.constantFrom(0 as const, 1 as const);
const ring = new Keyring([new Uint8Array(16).fill(1), new Uint8Array(32).fill(2)]);

/** Random bytes, biased towards inputs that pass the cheap checks (version byte, length, frame header). */
const hostileArb = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(versionArb, fc.uint8Array({ minLength: 28, maxLength: 120 })).map(([v, rest]) => Uint8Array.of(v, ...rest)),
  fc
    .tuple(fc.integer({ min: 0, max: 300 }), fc.uint8Array({ maxLength: 300 }))
    .map(([n, rest]) => Uint8Array.of(0x0a, 0, 0, n >> 8, n & 0xff, ...rest)),
  fc.uint8Array({ minLength: 5, maxLength: 5 }).map((h) => Uint8Array.of(0x0a, ...h.subarray(1))),
);

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    expect(typeof (error as DecryptError).code).toBe('string');
  }
}

describe('hostile input', () => {
  const securities = [
    new PacketSecurity({ keyring: ring }),
    new PacketSecurity({ keyring: ring, gossipVerifyIncoming: false, label: 'prod' }),
    new PacketSecurity(),
  ];

  it('given arbitrary bytes, then every open path returns or throws a DecryptError', () => {
    fc.assert(
      fc.property(hostileArb, fc.option(fc.uint8Array({ maxLength: 8 }), { nil: undefined }), (bytes, aad) => {
        onlyTypedErrors(() => decryptPacket(ring, bytes, { aad }));
        onlyTypedErrors(() => decryptStreamFrame(ring, bytes, { label: aad }));
        onlyTypedErrors(() => readStreamFrameHeader(bytes));
        for (const security of securities) {
          onlyTypedErrors(() => security.openPacket(bytes));
          onlyTypedErrors(() => security.openStream(bytes));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('round trip and tampering', () => {
  it('given any key, version, AAD and message, then decrypt(encrypt(m)) = m', () => {
    fc.assert(
      fc.property(keyArb, versionArb, fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 16 }), (key, version, m, aad) => {
        const sealed = encryptPacket(key, m, { version, aad });
        expect(decryptPacket(key, sealed, { aad })).toEqual(m);
        const frame = encryptStreamFrame(key, m, { version, label: aad });
        expect(decryptStreamFrame(key, frame, { label: aad })).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('given a sealed packet altered after its version byte or truncated, then ERR_DECRYPT or ERR_TOO_SHORT', () => {
    fc.assert(
      fc.property(
        keyArb,
        versionArb,
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (key, version, m, where, xor) => {
          const sealed = encryptPacket(key, m, { version });
          const tampered = sealed.slice();
          tampered[1 + (where % (sealed.length - 1))]! ^= xor;
          expect(() => decryptPacket(key, tampered)).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT' }));
          const cut = sealed.subarray(0, where % sealed.length);
          expect(() => decryptPacket(key, cut)).toThrow(DecryptError);
        },
      ),
      { numRuns: 500 },
    );
  });
});
