/**
 * `@gossip/keyring`: memberlist-compatible AES-GCM encryption (packets and stream frames, encryption versions 0
 * and 1, optional label AAD) and key rotation.
 * @packageDocumentation
 */
export { DecryptError, KeyringError, type DecryptErrorCode, type KeyringErrorCode } from './errors.js';
export {
  AES_KEY_SIZES,
  decodeKeyBase64,
  encodeKeyBase64,
  validateKey,
  type GcmAlgorithm,
} from './keys.js';
export { Keyring, type KeyringChange, type KeyringListener } from './keyring.js';
export { secureRandomBytes, type RandomBytes } from './nonce.js';
export { type Label } from './label.js';
// The encrypted layout's sizes and the label limit are wire-format facts owned by @gossip/wire (core budgets
// packets with them too); re-exported so this package's API stays whole.
export {
  AES_BLOCK_SIZE,
  ENCRYPT_OVERHEAD_V0,
  ENCRYPT_OVERHEAD_V1,
  ENCRYPTION_VERSION_SIZE,
  MAX_LABEL_LENGTH,
  NONCE_SIZE,
  TAG_SIZE,
  encryptOverhead,
  encryptedLength,
  type EncryptionVersion,
} from '@gossip/wire';
export {
  MIN_ENCRYPTED_LENGTH_V0,
  MIN_ENCRYPTED_LENGTH_V1,
  decryptPacket,
  encryptPacket,
  encryptionVersionFor,
  type DecryptKeys,
  type DecryptOptions,
  type EncryptKeys,
  type EncryptOptions,
} from './packet.js';
export { SteppedOpen } from './open-steps.js';
export {
  ENCRYPT_MSG_TYPE,
  MAX_STREAM_BLOB_LENGTH,
  STREAM_FRAME_HEADER_SIZE,
  decryptStreamBlob,
  decryptStreamFrame,
  encryptStreamFrame,
  readStreamFrameHeader,
  type StreamDecryptOptions,
  type StreamEncryptOptions,
} from './stream.js';
export {
  PacketSecurity,
  type OpenedPayload,
  type PacketSecurityOptions,
  type StreamStart,
} from './security.js';
