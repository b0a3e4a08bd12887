/**
 * Suspicion: Lifeguard's dynamic suspicion timeout (LHA-Suspicion). A suspected node is declared dead when its
 * timer expires. The timer starts at `max` and shrinks logarithmically towards `min` as independent peers
 * confirm the suspicion, so a real failure is declared quickly while a lone (possibly slow) accuser has to wait
 * long enough for the accused to refute. See PROTOCOL.md §8.4.1 and memberlist's suspicion.go.
 */

import type { Clock, TimerHandle } from '@gossip/transport';

/** Options for {@link Suspicion}. */
export interface SuspicionOptions {
  /** The original accuser (or self for a locally detected failure): never counted as a confirmation. */
  readonly from: string;
  /** Confirmations wanted to drive the timer down to `minMs`; `k < 1` starts (and keeps) the timer at `minMs`. */
  readonly k: number;
  /** The shortest timeout, ms (see {@link suspicionTimeouts}). */
  readonly minMs: number;
  /** The longest timeout, ms. */
  readonly maxMs: number;
  /** Time source; the timer runs on it. */
  readonly clock: Clock;
  /** Called once when the timer expires, with the number of confirmations received (for telemetry). */
  readonly onTimeout: (numConfirmations: number) => void;
}

/**
 * The suspicion timer for one suspected node. Create it when the node becomes Suspect, feed it the `From` of each
 * further suspect message through {@link Suspicion.confirm}, and {@link Suspicion.stop} it when the node is
 * refuted, declared dead by someone else, or removed.
 */
export class Suspicion {
  /** Confirmations wanted to reach the minimum timeout. */
  readonly k: number;
  /** The shortest timeout, ms. */
  readonly minMs: number;
  /** The longest timeout, ms. */
  readonly maxMs: number;
  private readonly clock: Clock;
  private readonly onTimeout: (numConfirmations: number) => void;
  private readonly confirmedBy = new Set<string>();
  private readonly start: number;
  private n = 0;
  private timer: TimerHandle;
  /** Once the callback has run or been scheduled to run, or the suspicion was stopped, the timer is done. */
  private done = false;

  constructor(options: SuspicionOptions) {
    this.k = options.k;
    this.minMs = options.minMs;
    this.maxMs = options.maxMs;
    this.clock = options.clock;
    this.onTimeout = options.onTimeout;
    // Our own suspicion may be gossiped back to us: the accuser must not confirm itself.
    this.confirmedBy.add(options.from);
    const timeout = this.k < 1 ? this.minMs : this.maxMs;
    this.timer = this.clock.setTimeout(() => this.fire(), timeout);
    // Taken after arming, as memberlist does, so any delay errs towards a slightly longer timeout.
    this.start = this.clock.now();
  }

  /** Independent confirmations received so far (never more than `k`). */
  get confirmations(): number {
    return this.n;
  }

  /**
   * Registers that `from` also suspects the node. Returns true if this was a new independent confirmation (the
   * caller then re-broadcasts the suspect message); false for a duplicate, for the original accuser, or once `k`
   * confirmations have been counted. A new confirmation re-arms the timer to
   * `max − ln(c+1)/ln(k+1) × (max − min)` (floored to whole ms, not below `min`) measured from the start; if
   * that moment has already passed, the timeout fires on the next clock turn.
   */
  confirm(from: string): boolean {
    if (this.n >= this.k) return false;
    if (this.confirmedBy.has(from)) return false;
    this.confirmedBy.add(from);
    this.n += 1;
    const elapsed = this.clock.now() - this.start;
    const remaining = remainingSuspicionTime(this.n, this.k, elapsed, this.minMs, this.maxMs);
    // Like Go's timer.Stop(): a timer that already fired (or was stopped) is not re-armed.
    if (!this.done) {
      this.clock.clearTimeout(this.timer);
      // Zero delay rather than a synchronous call: confirm() runs inside the caller's state update, and the
      // timeout handler (declaring the node dead) must not re-enter it — memberlist runs it on a goroutine.
      this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, remaining));
    }
    return true;
  }

  /** Cancels the timer; the timeout callback will not run. Idempotent. */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    if (this.done) return;
    this.done = true;
    this.timer = undefined;
    this.onTimeout(this.n);
  }
}

/**
 * The time left on a suspicion timer after `n` of `k` confirmations, `elapsedMs` after it started: the total
 * timeout `max − ln(n+1)/ln(k+1) × (max − min)`, floored to whole milliseconds and not below `min`, minus the
 * elapsed time. May be negative (the timer is overdue). Computed in seconds as memberlist does so results match
 * Go's to the millisecond.
 */
export function remainingSuspicionTime(n: number, k: number, elapsedMs: number, minMs: number, maxMs: number): number {
  const frac = Math.log(n + 1) / Math.log(k + 1);
  const maxS = goSeconds(maxMs);
  const raw = maxS - frac * (maxS - goSeconds(minMs));
  let timeout = Math.floor(1000 * raw);
  if (timeout < minMs) timeout = minMs;
  return timeout - elapsedMs;
}

/** Parameters of {@link suspicionTimeouts}. */
export interface SuspicionTimeoutParams {
  /** `SuspicionMult` (LAN 4, WAN 6, local 3). */
  readonly suspicionMult: number;
  /** `SuspicionMaxTimeoutMult` (6 in every preset); 1 disables the Lifeguard stretch (max = min). */
  readonly suspicionMaxTimeoutMult: number;
  /** `ProbeInterval` in ms. */
  readonly probeIntervalMs: number;
  /** Current node-list length (including self and not yet reaped dead nodes). */
  readonly n: number;
}

/**
 * The bounds of a suspicion timer for a cluster of `n` nodes, exactly as memberlist computes them:
 * `min = SuspicionMult × max(1, log10(max(1, n))) × ProbeInterval`, where the log scale is multiplied by 1000 and
 * truncated to an integer before use (Go's `time.Duration` arithmetic), and `max = SuspicionMaxTimeoutMult × min`.
 * LAN: n ≤ 10 → 4 s / 24 s; n = 100 → 8 s / 48 s; n = 1000 → 12 s / 72 s.
 */
export function suspicionTimeouts(params: SuspicionTimeoutParams): { minMs: number; maxMs: number } {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, params.n)));
  const scale1000 = BigInt(Math.trunc(nodeScale * 1000));
  const intervalNs = BigInt(Math.round(params.probeIntervalMs * 1e6));
  const minNs = (BigInt(Math.trunc(params.suspicionMult)) * scale1000 * intervalNs) / 1000n;
  const maxNs = BigInt(Math.trunc(params.suspicionMaxTimeoutMult)) * minNs;
  return { minMs: Number(minNs) / 1e6, maxMs: Number(maxNs) / 1e6 };
}

/** Go's `Duration.Seconds()` for a duration of `ms` milliseconds: whole seconds plus the fraction, separately. */
function goSeconds(ms: number): number {
  const ns = Math.round(ms * 1e6);
  const sec = Math.trunc(ns / 1e9);
  return sec + (ns - sec * 1e9) / 1e9;
}
