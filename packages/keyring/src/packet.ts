/**
 * memberlist's payload encryption (security.go; PROTOCOL.md §5.4): AES-GCM with a 12-byte random nonce and 16-byte tag,
 *
 *     vsn(1) | nonce(12) | ciphertext | tag(16)
 *
 * where version 0 PKCS#7-pads the plaintext to a multiple of 16 bytes first and version 1 does not. The same
 * blob is the body of an encrypted stream frame (stream.ts), only the AAD differs.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import {
  AES_BLOCK_SIZE,
  ENCRYPTION_VERSION_SIZE,
  NONCE_SIZE,
  TAG_SIZE,
  type EncryptionVersion,
} from '@gossip/wire';
import { DecryptError, KeyringError } from './errors.js';
import { Keyring, preparedKeys } from './keyring.js';
import { prepareKey, type PreparedKey } from './keys.js';
import { writeNonce, type RandomBytes } from './nonce.js';

/** Shortest acceptable version-0 payload (an empty message still carries a full padding block). */
export const MIN_ENCRYPTED_LENGTH_V0 = 45;
/** Shortest acceptable version-1 payload. */
export const MIN_ENCRYPTED_LENGTH_V1 = 29;

const HEADER_SIZE = ENCRYPTION_VERSION_SIZE + NONCE_SIZE;

/** One constant padding block per pad length 1..16, so padding never allocates. */
const PADDING: readonly Buffer[] = Array.from({ length: AES_BLOCK_SIZE + 1 }, (_, n) => Buffer.alloc(n, n));

/** Keys to encrypt with: a keyring (its primary is used) or one raw key. */
export type EncryptKeys = Keyring | Uint8Array;
/** Keys to decrypt with, tried in order: a keyring (primary first), one raw key or a list of raw keys. */
export type DecryptKeys = Keyring | Uint8Array | readonly Uint8Array[];

/** Options of {@link encryptPacket}. */
export interface EncryptOptions {
  /** Encryption version; default 1 (what memberlist sends at its default protocol version 2). */
  readonly version?: EncryptionVersion;
  /** Additional authenticated data: the label bytes on a labelled cluster (HEAD), else none. */
  readonly aad?: Uint8Array;
  /** A fixed 12-byte nonce. Only for tests and vectors: reusing a nonce with one key breaks GCM. */
  readonly nonce?: Uint8Array;
  /** Nonce source when `nonce` is absent; default: node:crypto, pooled. */
  readonly randomBytes?: RandomBytes;
}

/** Options of {@link decryptPacket}. */
export interface DecryptOptions {
  /** Additional authenticated data the sender used (label bytes), else none. */
  readonly aad?: Uint8Array;
}

/**
 * The encryption version memberlist sends at a protocol version (`Memberlist.encryptionVersion`): 0 for
 * protocol version 1, otherwise 1.
 */
export function encryptionVersionFor(protocolVersion: number): EncryptionVersion {
  return protocolVersion === 1 ? 0 : 1;
}

/**
 * Encrypts one packet payload with the primary key (or the given raw key).
 * @returns `vsn | nonce | ciphertext | tag`
 * @throws KeyringError `ERR_UNKNOWN_VERSION`, `ERR_NONCE_SIZE`, `ERR_KEY_SIZE`
 */
export function encryptPacket(keys: EncryptKeys, plaintext: Uint8Array, options: EncryptOptions = {}): Uint8Array {
  return asUint8Array(seal(primaryOf(keys), plaintext, options, undefined, options.aad));
}

/**
 * Decrypts one packet payload, trying every key in order (a keyring's primary first), and removes version-0
 * padding. Never throws anything but {@link DecryptError} for bad input.
 * @throws DecryptError `ERR_TOO_SHORT`, `ERR_UNKNOWN_VERSION`, `ERR_DECRYPT`, `ERR_BAD_PADDING`
 */
export function decryptPacket(keys: DecryptKeys, data: Uint8Array, options: DecryptOptions = {}): Uint8Array {
  return open(allOf(keys), data, options.aad);
}

/**
 * Seals `plaintext` into a fresh buffer laid out as `prefix | vsn | nonce | ciphertext | tag`, allocated once at
 * its final size. The prefix (the stream frame header) is copied in before the AAD is fed, as the AAD may cover it.
 * @internal
 */
export function seal(
  key: PreparedKey,
  plaintext: Uint8Array,
  options: EncryptOptions,
  prefix: Uint8Array | undefined,
  aad: Uint8Array | undefined,
): Buffer {
  const version = checkVersion(options.version ?? 1);
  const start = prefix ? prefix.length : 0;
  const padding = version === 0 ? AES_BLOCK_SIZE - (plaintext.length % AES_BLOCK_SIZE) : 0;
  const out = Buffer.allocUnsafe(start + HEADER_SIZE + plaintext.length + padding + TAG_SIZE);
  if (prefix) out.set(prefix, 0);
  out[start] = version;
  writeNonce(out, start + ENCRYPTION_VERSION_SIZE, options.nonce, options.randomBytes);
  const nonce = out.subarray(start + ENCRYPTION_VERSION_SIZE, start + HEADER_SIZE);
  const cipher = createCipheriv(key.algorithm, key.secret, nonce, { authTagLength: TAG_SIZE });
  if (aad && aad.length > 0) cipher.setAAD(aad);
  let at = start + HEADER_SIZE;
  at += copyInto(cipher.update(plaintext), out, at);
  if (padding > 0) at += copyInto(cipher.update(PADDING[padding]!), out, at);
  at += copyInto(cipher.final(), out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
}

/**
 * Opens `vsn | nonce | ciphertext | tag` with the first key that authenticates it.
 * @internal
 */
export function open(keys: readonly PreparedKey[], blob: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
  const { version, nonce, ciphertext, tag } = splitBlob(blob);
  for (const key of keys) {
    const plain = tryOpen(key, nonce, ciphertext, tag, aad);
    if (plain) return asUint8Array(version === 0 ? unpad(plain) : plain);
  }
  throw new DecryptError('ERR_DECRYPT', `no installed key could decrypt the message (${keys.length} tried)`);
}

/** The parts of `vsn | nonce | ciphertext | tag`, after checking the version and the minimum length. @internal */
export interface BlobParts {
  readonly version: number;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/** Splits an encrypted blob; throws `ERR_TOO_SHORT` or `ERR_UNKNOWN_VERSION`. @internal */
export function splitBlob(blob: Uint8Array): BlobParts {
  if (blob.length === 0) throw new DecryptError('ERR_TOO_SHORT', 'cannot decrypt an empty payload');
  const version = blob[0]!;
  if (version > 1) throw new DecryptError('ERR_UNKNOWN_VERSION', `unsupported encryption version ${version}`);
  const minimum = version === 0 ? MIN_ENCRYPTED_LENGTH_V0 : MIN_ENCRYPTED_LENGTH_V1;
  if (blob.length < minimum) {
    throw new DecryptError('ERR_TOO_SHORT', `payload is too small to decrypt: ${blob.length} < ${minimum} bytes`);
  }
  return {
    version,
    nonce: blob.subarray(ENCRYPTION_VERSION_SIZE, HEADER_SIZE),
    ciphertext: blob.subarray(HEADER_SIZE, blob.length - TAG_SIZE),
    tag: blob.subarray(blob.length - TAG_SIZE),
  };
}

function tryOpen(
  key: PreparedKey,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array | undefined,
): Buffer | undefined {
  try {
    const decipher = createDecipheriv(key.algorithm, key.secret, nonce, { authTagLength: TAG_SIZE });
    decipher.setAuthTag(tag);
    if (aad && aad.length > 0) decipher.setAAD(aad);
    const plain = decipher.update(ciphertext);
    decipher.final(); // throws when the tag does not authenticate
    return plain;
  } catch {
    return undefined;
  }
}

/**
 * Drops `last byte` bytes, like memberlist's `pkcs7decode`, without checking the pad bytes themselves (Go does
 * not either). A pad count longer than the plaintext makes Go panic; here it is a typed error.
 * @internal
 */
export function unpad(plain: Buffer): Buffer {
  const pad = plain[plain.length - 1]!;
  if (pad > plain.length) {
    throw new DecryptError('ERR_BAD_PADDING', `padding of ${pad} bytes exceeds the ${plain.length}-byte plaintext`);
  }
  return plain.subarray(0, plain.length - pad);
}

/**
 * A plain Uint8Array view of a Buffer (no copy). Callers get standard `slice` (copying) semantics rather than
 * Buffer's, whose `slice` returns a view.
 * @internal
 */
export function asUint8Array(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

function copyInto(chunk: Buffer, out: Buffer, at: number): number {
  if (chunk.length > 0) chunk.copy(out, at);
  return chunk.length;
}

/** @internal */
export function checkVersion(version: unknown): EncryptionVersion {
  if (version !== 0 && version !== 1) {
    throw new KeyringError('ERR_UNKNOWN_VERSION', `encryption version must be 0 or 1, got ${String(version)}`);
  }
  return version;
}

/** @internal */
export function primaryOf(keys: EncryptKeys): PreparedKey {
  return keys instanceof Keyring ? preparedKeys(keys)[0]! : prepareKey(keys);
}

/** @internal */
export function allOf(keys: DecryptKeys): readonly PreparedKey[] {
  if (keys instanceof Keyring) return preparedKeys(keys);
  if (keys instanceof Uint8Array) return [prepareKey(keys)];
  if (keys.length === 0) throw new KeyringError('ERR_NO_KEYS', 'no keys to decrypt with');
  return keys.map((k) => prepareKey(k));
}
