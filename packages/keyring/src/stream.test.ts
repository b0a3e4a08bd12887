import { describe, expect, it } from 'vitest';
import { DecryptError } from './errors.js';
import { Keyring } from './keyring.js';
import { decryptPacket } from './packet.js';
import {
  ENCRYPT_MSG_TYPE,
  MAX_STREAM_BLOB_LENGTH,
  decryptStreamBlob,
  decryptStreamFrame,
  encryptStreamFrame,
  readStreamFrameHeader,
} from './stream.js';

const key = new Uint8Array(32).fill(7);
const ring = new Keyring([key]);
const frame = new TextEncoder().encode('\u0006push/pull body');

function decryptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    return (error as DecryptError).code;
  }
  return undefined;
}

function header(n: number): Uint8Array {
  const h = new Uint8Array(5);
  h[0] = ENCRYPT_MSG_TYPE;
  new DataView(h.buffer).setUint32(1, n >>> 0);
  return h;
}

describe('encryptStreamFrame', () => {
  it.each([0, 1] as const)('given version %i, then the frame is 0x0a | N | blob with N = encryptedLength', (version) => {
    const sealed = encryptStreamFrame(ring, frame, { version });
    expect(sealed[0]).toBe(0x0a);
    const n = readStreamFrameHeader(sealed);
    expect(n).toBe(sealed.length - 5);
    expect(n).toBe(version === 1 ? frame.length + 29 : frame.length + (16 - (frame.length % 16)) + 29);
    expect(decryptStreamFrame(ring, sealed)).toEqual(frame);
  });

  it('given a label, then it opens only with the same label', () => {
    const sealed = encryptStreamFrame(ring, frame, { label: 'prod' });
    expect(decryptStreamFrame(ring, sealed, { label: 'prod' })).toEqual(frame);
    expect(decryptStreamFrame(ring, sealed, { label: new TextEncoder().encode('prod') })).toEqual(frame);
    expect(decryptCode(() => decryptStreamFrame(ring, sealed))).toBe('ERR_DECRYPT');
    expect(decryptCode(() => decryptStreamFrame(ring, sealed, { label: 'dev' }))).toBe('ERR_DECRYPT');
  });

  it('given the blob alone, then it does not open as a UDP packet (the header is authenticated)', () => {
    const sealed = encryptStreamFrame(ring, frame);
    expect(decryptCode(() => decryptPacket(ring, sealed.subarray(5)))).toBe('ERR_DECRYPT');
  });

  it('given a plaintext that would exceed 20 MiB encrypted, then ERR_FRAME_TOO_LARGE before encrypting', () => {
    expect(() => encryptStreamFrame(ring, new Uint8Array(MAX_STREAM_BLOB_LENGTH - 28))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }),
    );
  });

  it('given a label over 255 bytes, then ERR_LABEL_SIZE', () => {
    expect(() => encryptStreamFrame(ring, frame, { label: 'x'.repeat(256) })).toThrow(
      expect.objectContaining({ code: 'ERR_LABEL_SIZE' }),
    );
  });
});

describe('readStreamFrameHeader', () => {
  it('given N = 20 MiB, then it is accepted; given 20 MiB + 1 or 0xffffffff, then ERR_FRAME_TOO_LARGE', () => {
    expect(readStreamFrameHeader(header(MAX_STREAM_BLOB_LENGTH))).toBe(20 * 1024 * 1024);
    expect(decryptCode(() => readStreamFrameHeader(header(MAX_STREAM_BLOB_LENGTH + 1)))).toBe('ERR_FRAME_TOO_LARGE');
    expect(decryptCode(() => readStreamFrameHeader(header(0xffffffff)))).toBe('ERR_FRAME_TOO_LARGE');
  });

  it('given fewer than 5 bytes, then ERR_TOO_SHORT; given another first byte, then ERR_NOT_ENCRYPTED', () => {
    expect(decryptCode(() => readStreamFrameHeader(new Uint8Array([0x0a, 0, 0])))).toBe('ERR_TOO_SHORT');
    expect(decryptCode(() => readStreamFrameHeader(new Uint8Array([0x06, 0, 0, 0, 40])))).toBe('ERR_NOT_ENCRYPTED');
  });
});

describe('decryptStreamFrame / decryptStreamBlob', () => {
  const sealed = encryptStreamFrame(ring, frame);

  it('given the header and blob read separately, then the blob opens without joining them', () => {
    expect(decryptStreamBlob(ring, sealed.subarray(0, 5), sealed.subarray(5))).toEqual(frame);
  });

  it('given a truncated frame, then ERR_FRAME_TRUNCATED; given trailing bytes, then ERR_FRAME_TRAILING_BYTES', () => {
    expect(decryptCode(() => decryptStreamFrame(ring, sealed.subarray(0, sealed.length - 1)))).toBe(
      'ERR_FRAME_TRUNCATED',
    );
    const longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    expect(decryptCode(() => decryptStreamFrame(ring, longer))).toBe('ERR_FRAME_TRAILING_BYTES');
    expect(decryptCode(() => decryptStreamFrame(ring, sealed.subarray(0, 3)))).toBe('ERR_TOO_SHORT');
  });

  it('given a tampered length that still matches a shortened blob, then ERR_DECRYPT (the header is AAD)', () => {
    const n = sealed.length - 5;
    const cut = new Uint8Array(sealed.length - 1);
    cut.set(sealed.subarray(0, 5));
    new DataView(cut.buffer).setUint32(1, n - 1);
    cut.set(sealed.subarray(5, sealed.length - 1), 5);
    expect(decryptCode(() => decryptStreamFrame(ring, cut))).toBe('ERR_DECRYPT');
  });

  it('given a frame sealed with an old key, then a keyring that still holds it opens it', () => {
    const old = new Uint8Array(16).fill(1);
    const sealedOld = encryptStreamFrame(old, frame);
    expect(decryptCode(() => decryptStreamFrame(ring, sealedOld))).toBe('ERR_DECRYPT');
    expect(decryptStreamFrame(new Keyring([key, old]), sealedOld)).toEqual(frame);
  });
});
