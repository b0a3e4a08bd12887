/**
 * Typed errors of the wire codec. Every decoder in this package throws only {@link WireError}, so a caller can
 * drop a bad packet or stream by catching one class and counting by `code`.
 */

/** Stable machine-readable reasons a wire operation failed. */
export type WireErrorCode =
  /** The input ended before the structure it declares; on a stream this means "read more bytes". */
  | 'ERR_TRUNCATED'
  /** The bytes are not a valid encoding (wrong msgpack type, value out of range, bad layout). */
  | 'ERR_MALFORMED'
  /** The message type byte is not one this operation handles. */
  | 'ERR_UNKNOWN_TYPE'
  /** A declared or produced size exceeds a configured limit. */
  | 'ERR_TOO_LARGE'
  /** The CRC32 in a `hasCrcMsg` wrapper does not match its payload. */
  | 'ERR_CRC_MISMATCH'
  /** A label header is malformed (zero length, truncated) or a label is out of range when adding one. */
  | 'ERR_LABEL'
  /** An LZW stream is invalid (bad code, missing EOF code). */
  | 'ERR_LZW'
  /** A `compress` message names an algorithm other than LZW (0). */
  | 'ERR_UNKNOWN_ALGO'
  /** An empty message or part, which Go v0.2.2 would crash on and HEAD drops. */
  | 'ERR_EMPTY'
  /** An argument to an encoder is out of range for its Go type (e.g. a port above 65535). */
  | 'ERR_INVALID_ARGUMENT'
  /** An IP address or host:port string could not be parsed. */
  | 'ERR_INVALID_ADDRESS';

/** The only error class the wire codec throws. */
export class WireError extends Error {
  /** Stable reason, safe to count and branch on. */
  readonly code: WireErrorCode;

  constructor(code: WireErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WireError';
    this.code = code;
  }
}

/** Builds the "input ended early" error; stream readers treat it as "need more bytes". */
export function truncated(what: string): WireError {
  return new WireError('ERR_TRUNCATED', `truncated input: ${what}`);
}

/** Builds an "invalid encoding" error. */
export function malformed(what: string): WireError {
  return new WireError('ERR_MALFORMED', `malformed input: ${what}`);
}

/** Builds an encoder argument error. */
export function invalidArgument(what: string): WireError {
  return new WireError('ERR_INVALID_ARGUMENT', `invalid argument: ${what}`);
}

/** True if `err` is a {@link WireError}, optionally with the given code. */
export function isWireError(err: unknown, code?: WireErrorCode): err is WireError {
  return err instanceof WireError && (code === undefined || err.code === code);
}
