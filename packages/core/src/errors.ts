/**
 * Typed errors of the membership engine. Every error `@gossip/core` rejects with or reports is a
 * {@link MemberlistError} (or a subclass) with a stable string `code`, so callers branch on codes, not messages.
 */

/** Stable machine-readable reasons an operation failed or an input was dropped. */
export type MemberlistErrorCode =
  /** A configuration value is missing or out of range. */
  | 'ERR_CONFIG'
  /** The node has been shut down; no further operations are possible. */
  | 'ERR_SHUTDOWN'
  /** The node has left the cluster; the operation needs a live member. */
  | 'ERR_LEFT'
  /** No member with the given name is known. */
  | 'ERR_UNKNOWN_NODE'
  /** Waiting for a broadcast, a stream or an answer took longer than allowed. */
  | 'ERR_TIMEOUT'
  /** The caller aborted the operation through its signal. */
  | 'ERR_ABORTED'
  /** Joining failed: no seed could be contacted (see {@link JoinError.causes}). */
  | 'ERR_JOIN'
  /** Node metadata from the delegate exceeds `metaMaxSize`. */
  | 'ERR_META_TOO_LARGE'
  /** A remote node answered a stream with memberlist's `errMsg`. */
  | 'ERR_REMOTE'
  /** The peer answered with something other than the expected message. */
  | 'ERR_UNEXPECTED_MESSAGE'
  /** Protocol or delegate versions of a remote state are incompatible with ours (memberlist's verifyProtocol). */
  | 'ERR_INCOMPATIBLE'
  /** The merge delegate vetoed a join. */
  | 'ERR_MERGE_VETOED'
  /** A packet or stream carried the wrong label (or a label where none is allowed). */
  | 'ERR_LABEL'
  /** Decryption failed, or encryption was expected but absent (or present but not configured). */
  | 'ERR_ENCRYPTION'
  /** A packet or stream could not be decoded (truncated, malformed, unknown type, bad CRC, bad LZW...). */
  | 'ERR_MALFORMED'
  /** A size declared or carried by the network exceeds a limit. */
  | 'ERR_TOO_LARGE'
  /** A source or advertised address is outside `cidrsAllowed`. */
  | 'ERR_CIDR'
  /** A bounded resource is exhausted (concurrent push/pulls, handoff queue, event buffer). */
  | 'ERR_OVERLOADED'
  /**
   * A membership message was ignored: its incarnation jumps more than `maxIncarnationJump` above the one held
   * (a spoof). Never thrown: the code of the counter and log line.
   */
  | 'ERR_INCARNATION_JUMP'
  /** The transport failed to send or connect. */
  | 'ERR_TRANSPORT';

/** The error class of `@gossip/core`. */
export class MemberlistError extends Error {
  /** Stable reason, safe to count and branch on. */
  readonly code: MemberlistErrorCode;

  constructor(code: MemberlistErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MemberlistError';
    this.code = code;
  }
}

/** Why one seed address could not be joined. */
export interface JoinFailure {
  /** The address contacted (`ip:port`), or the seed itself when it could not be resolved. */
  readonly address: string;
  readonly error: Error;
  /** The seed as given to `join` (e.g. `name/host:port`). */
  readonly seed?: string;
  /** The node name the seed was written with (`name/host:port`), if any. */
  readonly name?: string;
}

/** Rejection of {@link Memberlist.join} when not a single seed answered. */
export class JoinError extends MemberlistError {
  /** Why each seed address failed, in the order the failures happened. */
  readonly causes: readonly JoinFailure[];

  constructor(message: string, causes: readonly JoinFailure[]) {
    super('ERR_JOIN', message);
    this.name = 'JoinError';
    this.causes = causes;
  }
}

/** True if `err` is a {@link MemberlistError}, optionally with the given code. */
export function isMemberlistError(err: unknown, code?: MemberlistErrorCode): err is MemberlistError {
  return err instanceof MemberlistError && (code === undefined || err.code === code);
}

/** Normalises anything thrown into an `Error` (for logs and `cause`). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The transport's code behind a failed exchange (`ERR_REFUSED`, `ERR_TIMEOUT`, …): the `cause` of a
 * `MemberlistError('ERR_TRANSPORT')`, or `undefined` for any other error.
 */
export function transportCauseCode(err: unknown): string | undefined {
  if (!isMemberlistError(err, 'ERR_TRANSPORT')) return undefined;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
