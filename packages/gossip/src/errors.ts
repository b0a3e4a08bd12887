/**
 * Typed errors of the umbrella package. Everything `createNode` rejects with before a socket is opened is a
 * {@link NodeOptionsError}; errors from the layers below (`MemberlistError`, `TransportError`, `KeyringError`)
 * pass through unchanged so callers can branch on their codes.
 */

/** Stable reasons a {@link NodeOptionsError} is thrown. */
export type NodeOptionsErrorCode =
  /** An option has the wrong type or an out-of-range value. */
  | 'ERR_INVALID_OPTION'
  /** An option name is not known (usually a typo, e.g. `probeInterval` for `probeIntervalMs`). */
  | 'ERR_UNKNOWN_OPTION'
  /** Two options contradict each other (e.g. both `keys` and `keyring`). */
  | 'ERR_CONFLICTING_OPTIONS';

/** Invalid options given to `createNode`. */
export class NodeOptionsError extends Error {
  /** Stable reason, safe to branch on. */
  readonly code: NodeOptionsErrorCode;
  /** The offending option's name. */
  readonly option: string;

  constructor(code: NodeOptionsErrorCode, option: string, message: string, options?: { cause?: unknown }) {
    super(`${option}: ${message}`, options);
    this.name = 'NodeOptionsError';
    this.code = code;
    this.option = option;
  }
}
