/**
 * The size arithmetic of memberlist's encrypted payload (PROTOCOL.md §5.4, §6.3), `vsn(1) | nonce(12) | ciphertext |
 * tag(16)`, where version 0 PKCS#7-pads the plaintext to a multiple of 16 bytes and version 1 does not. The
 * cipher itself lives in `@gossip/keyring` (it needs `node:crypto`); the sizes live here because they are a fact
 * of the wire format that the keyring and core's packet budgeting both need, and neither depends on the other.
 */
import { invalidArgument } from './errors.js';

/** Encryption version byte: 0 = PKCS#7-padded (protocol version 1), 1 = unpadded (protocol version ≥ 2). */
export type EncryptionVersion = 0 | 1;

/** Size of the leading version byte. */
export const ENCRYPTION_VERSION_SIZE = 1;
/** GCM nonce length in bytes (Go `cipher.NewGCM` default). */
export const NONCE_SIZE = 12;
/** GCM tag length in bytes. */
export const TAG_SIZE = 16;
/** AES block size, the PKCS#7 padding unit of version 0. */
export const AES_BLOCK_SIZE = 16;
/** Worst-case bytes encryption adds with version 0: version 1 + nonce 12 + padding 16 + tag 16. */
export const ENCRYPT_OVERHEAD_V0 = 45;
/** Bytes encryption adds with version 1: version 1 + nonce 12 + tag 16. */
export const ENCRYPT_OVERHEAD_V1 = 29;

const HEADER_SIZE = ENCRYPTION_VERSION_SIZE + NONCE_SIZE;

function checkVersion(version: EncryptionVersion): EncryptionVersion {
  if (version !== 0 && version !== 1) throw invalidArgument(`encryption version must be 0 or 1, got ${String(version)}`);
  return version;
}

/**
 * Budget to reserve for encryption in a packet (memberlist's `encryptOverhead`): 45 for version 0, 29 for
 * version 1.
 * @throws WireError `ERR_INVALID_ARGUMENT` for a version other than 0 or 1
 */
export function encryptOverhead(version: EncryptionVersion): number {
  return checkVersion(version) === 0 ? ENCRYPT_OVERHEAD_V0 : ENCRYPT_OVERHEAD_V1;
}

/**
 * Exact encrypted size of a `plaintextLength`-byte message (memberlist's `encryptedLength`).
 * @throws WireError `ERR_INVALID_ARGUMENT` for a version other than 0 or 1
 */
export function encryptedLength(version: EncryptionVersion, plaintextLength: number): number {
  const padding = checkVersion(version) === 0 ? AES_BLOCK_SIZE - (plaintextLength % AES_BLOCK_SIZE) : 0;
  return HEADER_SIZE + plaintextLength + padding + TAG_SIZE;
}
