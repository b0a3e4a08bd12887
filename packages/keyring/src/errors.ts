/**
 * Typed errors of `@gossip/keyring`. Every failure this package reports is a {@link KeyringError} with a stable
 * string `code`, so a node can count and log dropped packets by cause without parsing messages.
 */

/** Stable codes for key management and encryption-side failures. */
export type KeyringErrorCode =
  | 'ERR_KEY_SIZE'
  | 'ERR_KEY_ENCODING'
  | 'ERR_KEY_NOT_INSTALLED'
  | 'ERR_REMOVE_PRIMARY'
  | 'ERR_NO_KEYS'
  | 'ERR_UNKNOWN_VERSION'
  | 'ERR_NONCE_SIZE'
  | 'ERR_LABEL_SIZE'
  | 'ERR_FRAME_TOO_LARGE';

/** Stable codes for inbound data that could not be opened (the packet or stream is dropped). */
export type DecryptErrorCode =
  /** No installed key authenticated the data (wrong key, tampered bytes, wrong AAD/label). */
  | 'ERR_DECRYPT'
  /** Shorter than the minimum for its encryption version (29 bytes v1, 45 bytes v0), or empty. */
  | 'ERR_TOO_SHORT'
  /** Encryption version byte other than 0 or 1. */
  | 'ERR_UNKNOWN_VERSION'
  /** Version 0 plaintext whose PKCS#7 pad count exceeds its length (memberlist v0.2.2 would panic here). */
  | 'ERR_BAD_PADDING'
  /** Stream frame announces a blob longer than 20 MiB. */
  | 'ERR_FRAME_TOO_LARGE'
  /** Stream frame is shorter than its 5-byte header plus the announced length. */
  | 'ERR_FRAME_TRUNCATED'
  /** Stream frame has bytes after the announced blob. */
  | 'ERR_FRAME_TRAILING_BYTES'
  /** A stream expected to be encrypted does not start with the encrypt message type 0x0a. */
  | 'ERR_NOT_ENCRYPTED'
  /** Encrypted stream received while no keyring is configured. */
  | 'ERR_ENCRYPTION_NOT_CONFIGURED';

/** Base class of every error thrown by this package. */
export class KeyringError extends Error {
  /** Stable machine-readable cause. */
  readonly code: KeyringErrorCode | DecryptErrorCode;

  /**
   * @param code - stable cause
   * @param message - human-readable detail for logs
   */
  constructor(code: KeyringErrorCode | DecryptErrorCode, message: string) {
    super(message);
    this.name = 'KeyringError';
    this.code = code;
  }
}

/**
 * Inbound bytes could not be opened. Thrown only by the decrypt/open side; the caller drops the packet or stream,
 * logs and counts by {@link DecryptError.code}.
 */
export class DecryptError extends KeyringError {
  declare readonly code: DecryptErrorCode;

  /**
   * @param code - stable cause
   * @param message - human-readable detail for logs
   */
  constructor(code: DecryptErrorCode, message: string) {
    super(code, message);
    this.name = 'DecryptError';
  }
}
