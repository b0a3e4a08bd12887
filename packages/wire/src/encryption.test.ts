import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encryptOverhead, encryptedLength, type EncryptionVersion } from './encryption.js';

/** Vectors produced by memberlist's own encrypt code (test/fixtures, copied from the shared spec). */
const vectors = JSON.parse(
  readFileSync(new URL('../test/fixtures/memberlist-vectors.json', import.meta.url), 'utf8'),
) as { name: string; hex: string }[];
const size = (name: string): number => vectors.find((v) => v.name === name)!.hex.length / 2;
/** An encrypted stream frame's N: the BE uint32 after its 0x0a type byte. */
const frameBlobLength = (name: string): number => parseInt(vectors.find((v) => v.name === name)!.hex.slice(2, 10), 16);

describe('encryption sizes', () => {
  it.each([
    ['encrypt_v1_ack', 1],
    ['encrypt_v0_ack', 0],
    ['encrypt_v1_ack_label_aad', 1],
  ] as const)('given memberlist\'s packet %s, then encryptedLength of its plaintext is its size', (name, version) => {
    expect(encryptedLength(version, size('ack_nil_payload'))).toBe(size(name));
  });

  it.each([
    ['stream_encrypted_compressed_ping', 1],
    ['stream_encrypted_v0', 0],
  ] as const)('given memberlist\'s stream frame %s, then its length field is encryptedLength of its plaintext', (name, version) => {
    expect(encryptedLength(version, size('compress_ping_full'))).toBe(frameBlobLength(name));
  });

  it.each([0, 1] as const)('given version %i, then encryptOverhead is the largest growth encryption can cause', (version) => {
    const growth = Array.from({ length: 64 }, (_, n) => encryptedLength(version, n) - n);
    expect(encryptOverhead(version)).toBe(Math.max(...growth));
  });

  it('given a version other than 0 or 1, then ERR_INVALID_ARGUMENT', () => {
    const bad = 2 as unknown as EncryptionVersion;
    expect(() => encryptOverhead(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }) as Error);
    expect(() => encryptedLength(bad, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }) as Error);
  });
});
