/**
 * Encrypted stream frames (memberlist `encryptLocalState` / `decryptRemoteState`; PROTOCOL.md §6.3):
 *
 *     0x0a | N (BE uint32) | vsn | nonce | ciphertext | tag      (N bytes after the header)
 *     AAD = 0x0a | N | label bytes
 *
 * The 5-byte header is authenticated, so a length tampered in transit fails decryption. N is bounded by 20 MiB
 * before anything is allocated for the blob.
 */
import { encryptedLength } from '@gossip/wire';
import { DecryptError, KeyringError } from './errors.js';
import { labelBytes, type Label } from './label.js';
import {
  allOf,
  asUint8Array,
  checkVersion,
  open,
  primaryOf,
  seal,
  type DecryptKeys,
  type EncryptKeys,
  type EncryptOptions,
} from './packet.js';

/** memberlist's `encryptMsg` message type, the first byte of an encrypted stream. */
export const ENCRYPT_MSG_TYPE = 0x0a;
/** Bytes before the blob: the type byte and the BE uint32 length. */
export const STREAM_FRAME_HEADER_SIZE = 5;
/** Largest blob a receiver accepts (`maxPushStateBytes`, 20 MiB). */
export const MAX_STREAM_BLOB_LENGTH = 20 * 1024 * 1024;

/** Options of {@link encryptStreamFrame}. */
export interface StreamEncryptOptions extends Omit<EncryptOptions, 'aad'> {
  /** Cluster label (HEAD); authenticated after the header. Default: none. */
  readonly label?: Label;
}

/** Options of {@link decryptStreamFrame} and {@link decryptStreamBlob}. */
export interface StreamDecryptOptions {
  /** Cluster label the sender used (HEAD). Default: none. */
  readonly label?: Label;
}

/**
 * Encrypts a stream frame (the plain or compressed message) with the primary key.
 * @returns `0x0a | N | blob`, one buffer
 * @throws KeyringError `ERR_FRAME_TOO_LARGE` when N would exceed 20 MiB (peers would reject it), plus the errors
 *   of `encryptPacket`
 */
export function encryptStreamFrame(
  keys: EncryptKeys,
  plaintext: Uint8Array,
  options: StreamEncryptOptions = {},
): Uint8Array {
  const blobLength = encryptedLength(checkVersion(options.version ?? 1), plaintext.length);
  if (blobLength > MAX_STREAM_BLOB_LENGTH) {
    throw new KeyringError(
      'ERR_FRAME_TOO_LARGE',
      `encrypted stream frame of ${blobLength} bytes exceeds the ${MAX_STREAM_BLOB_LENGTH}-byte limit`,
    );
  }
  const header = streamFrameHeader(blobLength);
  return asUint8Array(
    seal(primaryOf(keys), plaintext, options, header, streamAad(header, labelBytes(options.label))),
  );
}

/**
 * Reads the 5-byte header of an encrypted stream and returns N, the number of blob bytes to read next. Call it
 * before allocating for the blob.
 * @throws DecryptError `ERR_TOO_SHORT` (fewer than 5 bytes), `ERR_NOT_ENCRYPTED` (first byte not 0x0a),
 *   `ERR_FRAME_TOO_LARGE` (N > 20 MiB)
 */
export function readStreamFrameHeader(header: Uint8Array): number {
  if (header.length < STREAM_FRAME_HEADER_SIZE) {
    throw new DecryptError('ERR_TOO_SHORT', `stream frame header needs ${STREAM_FRAME_HEADER_SIZE} bytes`);
  }
  if (header[0] !== ENCRYPT_MSG_TYPE) {
    throw new DecryptError('ERR_NOT_ENCRYPTED', `stream does not start with encryptMsg (0x0a): 0x${hex(header[0]!)}`);
  }
  const length = ((header[1]! << 24) | (header[2]! << 16) | (header[3]! << 8) | header[4]!) >>> 0;
  if (length > MAX_STREAM_BLOB_LENGTH) {
    throw new DecryptError(
      'ERR_FRAME_TOO_LARGE',
      `remote stream frame of ${length} bytes exceeds the ${MAX_STREAM_BLOB_LENGTH}-byte limit`,
    );
  }
  return length;
}

/**
 * Decrypts a blob read after a header (incremental reading: header, then exactly N bytes), avoiding a copy into
 * one frame buffer.
 * @throws DecryptError as {@link readStreamFrameHeader}, `ERR_FRAME_TRUNCATED` / `ERR_FRAME_TRAILING_BYTES` when
 *   `blob` is not exactly N bytes, plus the errors of `decryptPacket`
 */
export function decryptStreamBlob(
  keys: DecryptKeys,
  header: Uint8Array,
  blob: Uint8Array,
  options: StreamDecryptOptions = {},
): Uint8Array {
  const head = header.subarray(0, STREAM_FRAME_HEADER_SIZE);
  const length = readStreamFrameHeader(head);
  if (blob.length < length) {
    throw new DecryptError('ERR_FRAME_TRUNCATED', `stream frame announces ${length} bytes, got ${blob.length}`);
  }
  if (blob.length > length) {
    throw new DecryptError('ERR_FRAME_TRAILING_BYTES', `${blob.length - length} bytes after the stream frame`);
  }
  return open(allOf(keys), blob, streamAad(head, labelBytes(options.label)));
}

/**
 * Decrypts a complete frame `0x0a | N | blob` held in one buffer.
 * @throws DecryptError as {@link decryptStreamBlob}
 */
export function decryptStreamFrame(
  keys: DecryptKeys,
  frame: Uint8Array,
  options: StreamDecryptOptions = {},
): Uint8Array {
  if (frame.length < STREAM_FRAME_HEADER_SIZE) {
    throw new DecryptError('ERR_TOO_SHORT', `stream frame needs at least ${STREAM_FRAME_HEADER_SIZE} bytes`);
  }
  return decryptStreamBlob(
    keys,
    frame.subarray(0, STREAM_FRAME_HEADER_SIZE),
    frame.subarray(STREAM_FRAME_HEADER_SIZE),
    options,
  );
}

function streamFrameHeader(blobLength: number): Uint8Array {
  const header = new Uint8Array(STREAM_FRAME_HEADER_SIZE);
  header[0] = ENCRYPT_MSG_TYPE;
  new DataView(header.buffer).setUint32(1, blobLength, false);
  return header;
}

/** AAD of a stream frame: the header, then the label (HEAD; nothing extra for v0.2.2 or an empty label). */
function streamAad(header: Uint8Array, label: Uint8Array): Uint8Array {
  if (label.length === 0) return header;
  const aad = new Uint8Array(header.length + label.length);
  aad.set(header, 0);
  aad.set(label, header.length);
  return aad;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
