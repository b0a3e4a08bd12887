import type { Random } from '../runtime.js';

/**
 * Faults on a directional link. Packets (UDP-like) suffer all of them. Streams (TCP-like) see latency, jitter and
 * loss, the loss as TCP shows it: a lost segment (or SYN) is sent again after a retransmission timeout that
 * doubles on every consecutive loss ({@link STREAM_RTO}), and the segments behind it wait (head-of-line
 * blocking). Duplication and reordering never reach a stream reader, as TCP's sequencing hides them.
 */
export interface LinkFaults {
  /** Probability in [0, 1] that a packet, a stream segment or a SYN is dropped (streams retransmit it). */
  readonly lossRate?: number;
  /**
   * Probability in [0, 1] that a stream segment or SYN is dropped, when it should differ from `lossRate`: e.g.
   * `{ lossRate: 1, streamLossRate: 0 }` is a firewall that blocks UDP and lets TCP through. Default `lossRate`.
   */
  readonly streamLossRate?: number;
  /** Base one-way delay in ms. */
  readonly latencyMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per packet or stream segment. */
  readonly jitterMs?: number;
  /** Probability in [0, 1] that a packet is delivered twice (the copy is delayed independently). */
  readonly duplicateRate?: number;
  /** Probability in [0, 1] that a packet is held back by `reorderDelayMs`, so later packets overtake it. */
  readonly reorderRate?: number;
  /** How long a reordered packet is held back; default max(1, 2 × (latencyMs + jitterMs)). */
  readonly reorderDelayMs?: number;
}

/** A node that processes everything delivered to it late (Lifeguard's "slow message processing"). */
export interface SlowNode {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/** Throws RangeError for rates outside [0, 1] or negative delays: a typo must not silently mean "no fault". */
export function validateFaults(faults: LinkFaults): LinkFaults {
  for (const key of ['lossRate', 'streamLossRate', 'duplicateRate', 'reorderRate'] as const) {
    const v = faults[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`${key} must be in [0, 1], got ${v}`);
  }
  for (const key of ['latencyMs', 'jitterMs', 'reorderDelayMs'] as const) {
    const v = faults[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new RangeError(`${key} must be >= 0, got ${v}`);
  }
  return { ...faults };
}

/** Checks a slow-node setting. */
export function validateSlow(slow: SlowNode): SlowNode {
  if (!(slow.minDelayMs >= 0) || !(slow.maxDelayMs >= slow.minDelayMs) || !Number.isFinite(slow.maxDelayMs)) {
    throw new RangeError(`slow node needs 0 <= minDelayMs <= maxDelayMs, got ${slow.minDelayMs}..${slow.maxDelayMs}`);
  }
  return { ...slow };
}

/** One-way delay for a packet or segment: latency plus jitter (reordering and slowness are added by callers). */
export function sampleDelay(faults: LinkFaults, random: Random): number {
  const jitter = faults.jitterMs ?? 0;
  return (faults.latencyMs ?? 0) + (jitter > 0 ? random.next() * jitter : 0);
}

/** The hold-back applied to a reordered packet. */
export function reorderDelay(faults: LinkFaults): number {
  return faults.reorderDelayMs ?? Math.max(1, 2 * ((faults.latencyMs ?? 0) + (faults.jitterMs ?? 0)));
}

/** Extra delay for delivery to a slow node, or 0. */
export function sampleSlowDelay(slow: SlowNode | undefined, random: Random): number {
  if (slow === undefined) return 0;
  const span = slow.maxDelayMs - slow.minDelayMs;
  return slow.minDelayMs + (span > 0 ? random.next() * span : 0);
}

/** True with probability `rate`; draws nothing when the rate is 0, keeping fault-free runs cheap. */
export function chance(rate: number | undefined, random: Random): boolean {
  return rate !== undefined && rate > 0 && random.next() < rate;
}

/**
 * TCP retransmission timing of in-memory streams, as Linux does it: a lost data segment is resent after 200 ms
 * (`TCP_RTO_MIN`), a lost SYN after 1 s (`TCP_TIMEOUT_INIT`); each further loss of the same segment doubles the
 * wait, up to 120 s (`TCP_RTO_MAX`). After `maxRetries` consecutive losses the connection stalls for good, as
 * a kernel gives up on it (the reader's deadline then ends it).
 */
export const STREAM_RTO = Object.freeze({ dataInitialMs: 200, synInitialMs: 1000, maxMs: 120_000, maxRetries: 15 });

/** The wait before retransmission number `attempt` (1-based) of a segment whose first timeout is `initialMs`. */
export function retransmitTimeout(initialMs: number, attempt: number): number {
  return Math.min(STREAM_RTO.maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}
