// @module-tag go
/**
 * Specification: @gossip/keyring and memberlist v0.2.2's own encryption code (tooling/keyring-check, reached
 * with go:linkname) decrypt each other's packets and stream frames, for AES-128/192/256 and both encryption
 * versions, with and without label AAD; with a fixed nonce both produce identical bytes. Requires Go: fails
 * without it (CI installs it).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecryptError,
  Keyring,
  decryptPacket,
  decryptStreamFrame,
  encryptPacket,
  encryptStreamFrame,
  type EncryptionVersion,
} from '../src/index.js';
import { KeyringCheck, fromHex, toHex, type CheckRequest } from './keyring-check.js';

let started: KeyringCheck | undefined;
let startError: unknown;

beforeAll(async () => {
  try {
    started = await KeyringCheck.start();
  } catch (error) {
    startError = error; // every test then fails with it (e.g. GoUnavailableError): never a silent skip
  }
}, 180_000);

afterAll(async () => {
  await started?.stop();
});

/** The running checker, or the reason it could not start. */
const go = {
  ok: (req: CheckRequest) => checker().ok(req),
  request: (req: CheckRequest) => checker().request(req),
};

function checker(): KeyringCheck {
  if (!started) throw startError instanceof Error ? startError : new Error(String(startError));
  return started;
}

const SIZES = [0, 18, 1400, 9000];
const nonce = randomBytes(12);
const prod = new TextEncoder().encode('prod');

for (const keySize of [16, 24, 32]) {
  for (const version of [0, 1] as EncryptionVersion[]) {
    for (const aad of [undefined, prod]) {
      const name = `AES-${keySize * 8}, version ${version}, ${aad ? 'AAD "prod"' : 'no AAD'}`;
      describe(`UDP payloads, ${name}`, () => {
        const key = randomBytes(keySize);
        const stale = randomBytes(keySize);
        const ring = new Keyring([key, stale]);
        const goKeys = [toHex(stale), toHex(key)]; // Go tries the stale key first, then the right one
        const aadHex = aad ? toHex(aad) : '';

        it('given payloads sealed by @gossip/keyring, then memberlist decryptPayload opens them', async () => {
          for (const size of SIZES) {
            const plaintext = randomBytes(size);
            const sealed = encryptPacket(ring, plaintext, { version, aad });
            const res = await go.ok({ op: 'decrypt', keys: goKeys, data: toHex(sealed), aad: aadHex });
            expect(res.plaintext).toBe(toHex(plaintext));
          }
        });

        it('given payloads sealed by memberlist encryptPayload, then @gossip/keyring opens them with any installed key', async () => {
          for (const size of SIZES) {
            const plaintext = randomBytes(size);
            const res = await go.ok({ op: 'encrypt', vsn: version, key: toHex(key), plaintext: toHex(plaintext), aad: aadHex });
            expect(toHex(decryptPacket(new Keyring([stale, key]), fromHex(res.data!), { aad }))).toBe(toHex(plaintext));
          }
        });

        it('given the same nonce, then memberlist and @gossip/keyring produce identical bytes', async () => {
          const plaintext = randomBytes(100);
          const ours = encryptPacket(ring, plaintext, { version, aad, nonce });
          const req = { vsn: version, key: toHex(key), plaintext: toHex(plaintext), aad: aadHex, nonce: toHex(nonce) };
          expect((await go.ok({ op: 'encrypt', ...req })).data).toBe(toHex(ours));
          // Go's crypto/aes + crypto/cipher, independently of memberlist (HEAD's label-as-AAD layout).
          expect((await go.ok({ op: 'gcmSeal', ...req })).data).toBe(toHex(ours));
          const opened = await go.ok({ op: 'gcmOpen', keys: goKeys, data: toHex(ours), aad: aadHex });
          expect(opened.plaintext).toBe(toHex(plaintext));
        });

        it('given a payload sealed with a key memberlist does not hold, then both sides reject it', async () => {
          const sealed = encryptPacket(randomBytes(keySize), randomBytes(50), { version, aad });
          const res = await go.request({ op: 'decrypt', keys: goKeys, data: toHex(sealed), aad: aadHex });
          expect(res).toMatchObject({ ok: false, error: 'No installed keys could decrypt the message' });
          expect(() => decryptPacket(ring, sealed, { aad })).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT' }));
        });
      });
    }
  }
}

for (const keySize of [16, 24, 32]) {
  for (const version of [0, 1] as EncryptionVersion[]) {
    for (const label of [undefined, 'prod']) {
      const name = `AES-${keySize * 8}, version ${version}, ${label ? 'label "prod" (HEAD AAD)' : 'no label (v0.2.2 encryptLocalState)'}`;
      describe(`stream frames, ${name}`, () => {
        const key = randomBytes(keySize);
        const labelHex = label ? toHex(new TextEncoder().encode(label)) : '';

        it('given frames sealed by @gossip/keyring, then memberlist opens them (AAD = 0x0a | N [| label])', async () => {
          for (const size of SIZES) {
            const plaintext = randomBytes(size + 1);
            const frame = encryptStreamFrame(key, plaintext, { version, label });
            const res = await go.ok({ op: 'decryptStream', keys: [toHex(key)], data: toHex(frame), label: labelHex });
            expect(res.plaintext).toBe(toHex(plaintext));
          }
        });

        it('given frames sealed by memberlist, then @gossip/keyring opens them, and a fixed nonce gives identical bytes', async () => {
          const plaintext = randomBytes(300);
          const res = await go.ok({ op: 'encryptStream', vsn: version, key: toHex(key), plaintext: toHex(plaintext), label: labelHex });
          expect(toHex(decryptStreamFrame(key, fromHex(res.data!), { label }))).toBe(toHex(plaintext));
          const fixed = await go.ok({
            op: 'encryptStream', vsn: version, key: toHex(key), plaintext: toHex(plaintext), label: labelHex, nonce: toHex(nonce),
          });
          expect(fixed.data).toBe(toHex(encryptStreamFrame(key, plaintext, { version, label, nonce })));
        });
      });
    }
  }
}

describe('hostile input that memberlist v0.2.2 mishandles', () => {
  it('given a version-1 payload whose unauthenticated version byte is flipped to 0, then memberlist panics and @gossip/keyring throws ERR_BAD_PADDING', async () => {
    const key = randomBytes(16);
    const plaintext = new Uint8Array(20).fill(0xff); // last byte 255 > 20-byte plaintext
    const sealed = encryptPacket(key, plaintext, { version: 1 });
    sealed[0] = 0;
    const res = await go.request({ op: 'decrypt', keys: [toHex(key)], data: toHex(sealed) });
    expect(res.ok).toBe(false);
    expect(res.error).toMatch(/^panic: .*slice bounds out of range/);
    expect(() => decryptPacket(key, sealed)).toThrow(DecryptError);
    expect(() => decryptPacket(key, sealed)).toThrow(expect.objectContaining({ code: 'ERR_BAD_PADDING' }));
  });

  it('given a stream frame announcing more than 20 MiB, then both reject it before reading the blob', async () => {
    const frame = Uint8Array.of(0x0a, 0x01, 0x40, 0x00, 0x01, 1, 2, 3);
    const res = await go.request({ op: 'decryptStream', keys: [toHex(randomBytes(16))], data: toHex(frame) });
    expect(res).toMatchObject({ ok: false, error: 'Remote node state is larger than limit (20971521)' });
    expect(() => decryptStreamFrame(randomBytes(16), frame)).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }),
    );
  });
});
