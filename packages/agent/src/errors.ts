/**
 * Typed errors of the `gossip` command. Each has a stable string `code` so callers (the CLI, the HTTP layer,
 * tests) branch on the code, never on the message.
 */

/** Stable codes of {@link DemoError}. */
export type DemoErrorCode =
  /** A bad command line: unknown flag, missing or malformed value. The CLI exits with status 2. */
  | 'ERR_USAGE'
  /** A key or value broke the store's limits (empty key, too long, not UTF-8 text). */
  | 'ERR_KV_INVALID'
  /** The store holds its maximum number of entries. */
  | 'ERR_KV_FULL'
  /** A replication message or push/pull state could not be decoded; it was dropped. */
  | 'ERR_KV_DECODE'
  /** The HTTP API could not listen on its address (taken, or not local); `cause` has the system error. */
  | 'ERR_HTTP_LISTEN'
  /** An HTTP request body exceeded its limit. */
  | 'ERR_HTTP_TOO_LARGE'
  /** A demo operation referred to a node that does not exist or is in the wrong state. */
  | 'ERR_DEMO_NODE';

/** An error of the `gossip` command with a stable {@link DemoErrorCode}. */
export class DemoError extends Error {
  /** Stable identifier of the failure. */
  readonly code: DemoErrorCode;

  constructor(code: DemoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoError';
    this.code = code;
  }
}

/** Whether `err` is a {@link DemoError}, optionally with a given `code`. */
export function isDemoError(err: unknown, code?: DemoErrorCode): err is DemoError {
  return err instanceof DemoError && (code === undefined || err.code === code);
}
