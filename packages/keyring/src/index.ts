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
export { NONCE_SIZE, secureRandomBytes, type RandomBytes } from './nonce.js';
export { MAX_LABEL_LENGTH, type Label } from './label.js';
export {
  AES_BLOCK_SIZE,
  ENCRYPT_OVERHEAD_V0,
  ENCRYPT_OVERHEAD_V1,
  ENCRYPTION_VERSION_SIZE,
  MIN_ENCRYPTED_LENGTH_V0,
  MIN_ENCRYPTED_LENGTH_V1,
  TAG_SIZE,
  decryptPacket,
  encryptOverhead,
  encryptPacket,
  encryptedLength,
  encryptionVersionFor,
  type DecryptKeys,
  type DecryptOptions,
  type EncryptKeys,
  type EncryptOptions,
  type EncryptionVersion,
} from './packet.js';
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
