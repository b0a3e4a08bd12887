/** Typed errors of the chaos testbed; `code` is stable. */

/** Codes of {@link ChaosError}. */
export type ChaosErrorCode =
  | 'ERR_CHAOS_COMMAND' // ip, nft or another system command failed
  | 'ERR_CHAOS_UNAVAILABLE' // not root, or no network namespaces / nftables here
  | 'ERR_CHAOS_AGENT' // an agent did not start, answer or stop in time
  | 'ERR_CHAOS_USAGE' // bad command-line arguments
  | 'ERR_CHAOS_ABORTED' // Ctrl-C or the runner is shutting down
  | 'ERR_CHAOS_LEFTOVERS'; // cleanup left a namespace, link, rule or process behind

/** Any error the testbed raises on purpose. */
export class ChaosError extends Error {
  constructor(
    readonly code: ChaosErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChaosError';
  }
}
