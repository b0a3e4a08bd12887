/**
 * Size limits applied before allocating (PROTOCOL.md §9.5). Defaults are memberlist HEAD's (plus a datagram
 * decompression bound of our own); callers may tighten them.
 */

/** Bounds on untrusted input. Every field is optional; missing ones take {@link DEFAULT_LIMITS}. */
export interface WireLimits {
  /** Largest total of decompressed bytes from one stream frame (HEAD: 40 MiB); also caps a datagram's. */
  maxDecompressedBytes?: number;
  /**
   * Largest total of decompressed bytes from one datagram, over all its compress wrappers (nested, inside
   * compounds), successful or not: 1 MiB. memberlist bounds datagrams only by its stream limit (40 MiB), so a
   * 26 KB LZW bomb costs hundreds of milliseconds of CPU; a datagram never legitimately holds more than ~64 KiB
   * of messages, so a datagram-sized bound keeps the worst case to a few milliseconds. Decompression stops the
   * moment output passes it.
   */
  maxDatagramDecompressedBytes?: number;
  /** Deepest nesting of compound/compress wrappers inside one packet. */
  maxNestingDepth?: number;
  /** Most individual messages one packet may unwrap to. */
  maxMessages?: number;
  /** Largest push/pull `Nodes` count (HEAD: 1,048,576). */
  maxPushPullNodes?: number;
  /** Largest push/pull `UserStateLen` (HEAD: 20 MiB). */
  maxUserStateBytes?: number;
  /** Largest stream `UserMsgLen` (HEAD: 20 MiB). */
  maxUserMsgBytes?: number;
  /** Largest encrypted stream frame `N` (both versions: 20 MiB). */
  maxEncryptedBytes?: number;
  /** Largest plaintext stream frame in bytes, whatever its type. */
  maxStreamFrameBytes?: number;
}

/** Default of {@link WireLimits.maxDatagramDecompressedBytes}: 1 MiB. */
export const DEFAULT_MAX_DATAGRAM_DECOMPRESSED = 1024 * 1024;

/** memberlist HEAD's limits, except the datagram decompression bound, which is ours. */
export const DEFAULT_LIMITS: Readonly<Required<WireLimits>> = Object.freeze({
  maxDecompressedBytes: 40 * 1024 * 1024,
  maxDatagramDecompressedBytes: DEFAULT_MAX_DATAGRAM_DECOMPRESSED,
  maxNestingDepth: 4,
  maxMessages: 16_384,
  maxPushPullNodes: 1_048_576,
  maxUserStateBytes: 20 * 1024 * 1024,
  maxUserMsgBytes: 20 * 1024 * 1024,
  maxEncryptedBytes: 20 * 1024 * 1024,
  maxStreamFrameBytes: 64 * 1024 * 1024,
});

/** Fills unspecified limits with the defaults. */
export function resolveLimits(limits?: WireLimits): Required<WireLimits> {
  if (limits === undefined) return DEFAULT_LIMITS;
  return { ...DEFAULT_LIMITS, ...stripUndefined(limits) };
}

function stripUndefined(limits: WireLimits): WireLimits {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(limits)) if (typeof v === 'number') out[k] = v;
  return out;
}
