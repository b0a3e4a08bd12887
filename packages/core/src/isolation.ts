/**
 * Isolation awareness (not in memberlist): a node that has lost contact with most of the cluster must not turn
 * its own unconfirmed suspicions into deaths. Cut off, it suspects every member it probes and nobody can confirm
 * or refute; memberlist then declares them dead when the suspicion timers run out, and once the node is back the
 * cluster accepts those deaths (each refuted, but each a false `leave` in every application).
 *
 * The rule: while most of our recent probes fail (at least {@link ISOLATION_FAILURES} of the last
 * {@link ISOLATION_WINDOW}), and for a grace period of one minimum suspicion timeout after that, a suspicion
 * timer that expires with fewer than k independent confirmations does not declare the member dead; it waits
 * and decides again. A confirmed suspicion (k confirmations: other members see the failure too) is never held,
 * so a real failure — even of many members at once — is declared as before. A suspicion is held for at most
 * one extra maximum suspicion timeout; if we are still isolated then, the member is declared dead locally but
 * the death is not broadcast (a "quiet" death): our own view and events say what we can see (nobody answers,
 * so `rejoin` and `reconnect` can start working), and nobody else is told a death only we have witnessed. Our
 * push/pull later reports such members as dead, which peers verify as suspicions, as memberlist does for every
 * remote death. Only this node's own decisions change; the messages it sends are ordinary memberlist
 * messages, so Go peers are unaffected.
 */
import type { Clock } from '@gossip/transport';

/** Probe outcomes remembered. */
export const ISOLATION_WINDOW = 6;
/** Failed probes among the last {@link ISOLATION_WINDOW} that mean "we are the one cut off". */
export const ISOLATION_FAILURES = 4;

/** What {@link IsolationDetector.holdDeath} needs to know about an expired suspicion. */
export interface ExpiredSuspicion {
  /** When the suspicion started. */
  readonly startedAt: number;
  /** Independent confirmations received so far. */
  readonly confirmations: number;
  /** Confirmations wanted (`SuspicionMult − 2`, 0 in clusters of 3 or fewer). */
  readonly k: number;
  /** The suspicion's minimum timeout: the grace after isolation ends. */
  readonly minMs: number;
  /** The suspicion's maximum timeout: the longest extra hold. */
  readonly maxMs: number;
}

/** Tracks recent probe outcomes and decides whether an expired suspicion may become a death. */
export class IsolationDetector {
  private readonly outcomes: boolean[] = [];
  private next = 0;
  private failures = 0;
  private lastIsolatedAt = -Infinity;

  constructor(
    private readonly clock: Clock,
    /** `false` turns isolation awareness off: every expired suspicion becomes a death, as in memberlist. */
    private readonly enabled: boolean,
  ) {}

  /** Records the outcome of one probe (acked directly, indirectly or over TCP, or failed). */
  recordProbe(acked: boolean): void {
    if (this.outcomes.length < ISOLATION_WINDOW) {
      this.outcomes.push(acked);
    } else {
      if (!(this.outcomes[this.next] as boolean)) this.failures--;
      this.outcomes[this.next] = acked;
      this.next = (this.next + 1) % ISOLATION_WINDOW;
    }
    if (!acked) this.failures++;
    if (this.isolated()) this.lastIsolatedAt = this.clock.now();
  }

  /** Whether most recent probes failed. */
  isolated(): boolean {
    return this.failures >= ISOLATION_FAILURES;
  }

  /**
   * The verdict on an expired suspicion: wait `holdMs` and decide again; declare the member dead (`'dead'`);
   * or declare it dead without broadcasting (`'quiet'`). A suspicion with fewer than k confirmations is held
   * while we are isolated and for `minMs` after, if we were isolated at any time since it started, for at most
   * `maxMs` past its expiry; still isolated then, the death is quiet.
   */
  verdict(s: ExpiredSuspicion, expiredAt: number): { holdMs: number } | 'dead' | 'quiet' {
    if (!this.enabled || s.k < 1 || s.confirmations >= s.k) return 'dead';
    const now = this.clock.now();
    if (this.isolated()) this.lastIsolatedAt = now;
    if (this.lastIsolatedAt < s.startedAt) return 'dead';
    const graceEnds = this.lastIsolatedAt + s.minMs;
    if (graceEnds <= now) return 'dead';
    const capAt = expiredAt + s.maxMs;
    return capAt <= now ? 'quiet' : { holdMs: Math.min(graceEnds, capAt) - now };
  }
}
