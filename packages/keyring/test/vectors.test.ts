/**
 * Specification: @gossip/keyring reproduces the encryption vectors that real memberlist produced (PROTOCOL.md §11.11).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Keyring,
  decryptPacket,
  decryptStreamFrame,
  encryptPacket,
  encryptStreamFrame,
  readStreamFrameHeader,
} from '../src/index.js';
import { fromHex, toHex } from './keyring-check.js';

interface Vector {
  name: string;
  description: string;
  hex: string;
}

const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/vectors.json', import.meta.url)), 'utf8'),
) as Vector[];
const SHARED = fileURLToPath(new URL('../../../../shared/protocol/vectors.json', import.meta.url));

function vector(name: string): Uint8Array {
  const found = fixtures.find((v) => v.name === name);
  if (!found) throw new Error(`missing fixture ${name}`);
  return fromHex(found.hex);
}

const key = fromHex('00112233445566778899aabbccddeeff');
const nonce = fromHex('000102030405060708090a0b');
const prod = new TextEncoder().encode('prod');
const ack = vector('ack_nil_payload');
const compressedPing = vector('compress_ping_full');

describe('memberlist encryption vectors (key 0011…eeff, nonce 0001…0b)', () => {
  const keyring = new Keyring([key]);

  describe('UDP payloads', () => {
    const cases = [
      { name: 'encrypt_v1_ack', version: 1 as const, aad: undefined },
      { name: 'encrypt_v0_ack', version: 0 as const, aad: undefined },
      { name: 'encrypt_v1_ack_label_aad', version: 1 as const, aad: prod },
    ];
    for (const c of cases) {
      it(`given ${c.name}, when decrypted, then it yields the 18-byte ack`, () => {
        expect(toHex(decryptPacket(keyring, vector(c.name), { aad: c.aad }))).toBe(toHex(ack));
      });
      it(`given the ack, when encrypted with the fixed nonce, then the bytes equal ${c.name}`, () => {
        const sealed = encryptPacket(keyring, ack, { version: c.version, aad: c.aad, nonce });
        expect(toHex(sealed)).toBe(toHex(vector(c.name)));
      });
    }

    it('given the labelled datagram, when the f4 04 "prod" header is removed, then the rest opens with AAD "prod"', () => {
      const datagram = vector('udp_packet_label_encrypted_ack');
      expect(toHex(datagram.subarray(0, 6))).toBe('f40470726f64');
      expect(toHex(decryptPacket(keyring, datagram.subarray(6), { aad: prod }))).toBe(toHex(ack));
      const resealed = encryptPacket(keyring, ack, { aad: prod, nonce });
      expect(toHex(resealed)).toBe(toHex(datagram.subarray(6)));
    });

    it('given a label vector, when opened without the label AAD, then it is rejected', () => {
      expect(() => decryptPacket(keyring, vector('encrypt_v1_ack_label_aad'))).toThrow(
        expect.objectContaining({ code: 'ERR_DECRYPT' }),
      );
    });
  });

  describe('stream frames', () => {
    const cases = [
      { name: 'stream_encrypted_compressed_ping', version: 1 as const, label: undefined, n: 0x6d },
      { name: 'stream_encrypted_compressed_ping_label', version: 1 as const, label: 'prod', n: 0x6d },
      { name: 'stream_encrypted_v0', version: 0 as const, label: undefined, n: 0x7d },
    ];
    for (const c of cases) {
      it(`given ${c.name}, when its header is read and the frame decrypted, then N = ${c.n} and the plaintext is the compressed ping`, () => {
        const frame = vector(c.name);
        expect(readStreamFrameHeader(frame)).toBe(c.n);
        expect(toHex(decryptStreamFrame(keyring, frame, { label: c.label }))).toBe(toHex(compressedPing));
      });
      it(`given the compressed ping, when framed with the fixed nonce, then the bytes equal ${c.name}`, () => {
        const frame = encryptStreamFrame(keyring, compressedPing, { version: c.version, label: c.label, nonce });
        expect(toHex(frame)).toBe(toHex(vector(c.name)));
      });
    }
  });
});

describe('fixtures', () => {
  it('given the fixture file, then it holds the nine encryption-related vectors', () => {
    expect(fixtures.map((v) => v.name).sort()).toEqual(
      [
        'ack_nil_payload',
        'compress_ping_full',
        'encrypt_v0_ack',
        'encrypt_v1_ack',
        'encrypt_v1_ack_label_aad',
        'stream_encrypted_compressed_ping',
        'stream_encrypted_compressed_ping_label',
        'stream_encrypted_v0',
        'udp_packet_label_encrypted_ack',
      ].sort(),
    );
  });

  it.runIf(existsSync(SHARED))('given the shared vectors.json beside the repo, then every fixture equals its entry', () => {
    const shared = JSON.parse(readFileSync(SHARED, 'utf8')) as Vector[];
    for (const fixture of fixtures) {
      expect(shared.find((v) => v.name === fixture.name)).toEqual(fixture);
    }
  });
});
