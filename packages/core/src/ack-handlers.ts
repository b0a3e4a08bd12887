/**
 * Pending acks keyed by sequence number (memberlist's `ackHandlers`). An ack is matched by `SeqNo` alone, whoever
 * sends it: the direct ack, an ack relayed by an indirect prober and the TCP fallback all complete the same
 * handler. Every handler expires on the injected clock.
 *
 * Event-loop stalls: after a stall Node.js runs every expired timer before it reads the datagrams that arrived
 * meanwhile, so an ack sitting in the socket buffer would lose the race against its own timeout and a healthy
 * peer would be accused by the node that was actually stuck. An expiry is therefore confirmed one I/O turn later
 * (`IO_TURN_MS`, io-turn.ts), and reports how late the timer fired so callers can tell a stall from a silent peer.
 */
import type { Clock, TimerHandle } from '@gossip/transport';
import { IO_TURN_MS } from './io-turn.js';

/** Callbacks of one pending ack. */
export interface AckCallbacks {
  /** The ack arrived, with the responder's payload and the receive time. */
  onAck(payload: Uint8Array | null, receivedAt: number): void;
  /** A relay reported that the target did not answer it (the handler stays registered). */
  onNack?(): void;
  /** Nothing arrived in time; the handler is gone. `lateMs`: how much later than due the expiry timer ran. */
  onTimeout?(lateMs: number): void;
}

interface Pending extends AckCallbacks {
  timer: TimerHandle;
}

/** The table of pending acks of one node. */
export class AckHandlers {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly clock: Clock) {}

  /** Registers callbacks for `seqNo`, expiring after `timeoutMs`. Replaces an older handler with the same number. */
  register(seqNo: number, timeoutMs: number, callbacks: AckCallbacks): void {
    this.cancel(seqNo);
    const due = this.clock.now() + timeoutMs;
    const entry: Pending = { ...callbacks, timer: undefined };
    entry.timer = this.clock.setTimeout(() => {
      if (this.pending.get(seqNo) !== entry) return;
      const lateMs = Math.max(0, this.clock.now() - due);
      entry.timer = this.clock.setTimeout(() => {
        if (this.pending.get(seqNo) !== entry) return;
        this.pending.delete(seqNo);
        entry.onTimeout?.(lateMs);
      }, IO_TURN_MS);
    }, timeoutMs);
    this.pending.set(seqNo, entry);
  }

  /** Completes and removes the handler for `seqNo`, if any. Returns whether one was waiting. */
  ack(seqNo: number, payload: Uint8Array | null, receivedAt: number): boolean {
    const p = this.pending.get(seqNo);
    if (p === undefined) return false;
    this.pending.delete(seqNo);
    this.clock.clearTimeout(p.timer);
    p.onAck(payload, receivedAt);
    return true;
  }

  /** Reports a nack for `seqNo` to its handler, if any. */
  nack(seqNo: number): void {
    this.pending.get(seqNo)?.onNack?.();
  }

  /** Drops the handler for `seqNo` without calling it. */
  cancel(seqNo: number): void {
    const p = this.pending.get(seqNo);
    if (p === undefined) return;
    this.pending.delete(seqNo);
    this.clock.clearTimeout(p.timer);
  }

  /** Number of pending handlers. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Ends every handler as unanswered (shutdown): clears its timers and calls `onTimeout(0)` so whoever awaits
   * an outcome is released instead of hanging, and no timer is left on the clock.
   */
  cancelAll(): void {
    const entries = [...this.pending.values()];
    this.clear();
    for (const p of entries) p.onTimeout?.(0);
  }

  /** Drops every handler without calling them. */
  clear(): void {
    for (const p of this.pending.values()) this.clock.clearTimeout(p.timer);
    this.pending.clear();
  }
}
