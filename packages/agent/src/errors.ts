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
  /** An HTTP request was malformed (a body that is not the JSON expected, a bad parameter). */
  | 'ERR_HTTP_BAD_REQUEST'
  /** A state-changing HTTP request came from a foreign `Origin`, or named a `Host` that is not this agent's. */
  | 'ERR_HTTP_FORBIDDEN'
  /** A state-changing HTTP request lacked the agent's API token, or had a wrong one. */
  | 'ERR_HTTP_UNAUTHORIZED'
  /** The agent's HTTP API could not be reached (the CLI says which address and why). */
  | 'ERR_AGENT_UNREACHABLE'
  /** The agent answered a CLI request with an error. */
  | 'ERR_AGENT_REQUEST'
  /** A configuration file could not be read or has a bad key or value. */
  | 'ERR_CONFIG'
  /** A cluster operation (join, force-leave, key rotation) failed. */
  | 'ERR_AGENT_OP'
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
