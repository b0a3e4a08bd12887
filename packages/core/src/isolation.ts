/**
 * Isolation awareness (not in memberlist): a node that has lost contact with most of the cluster must not turn
 * its own unconfirmed suspicions into deaths. Cut off, it suspects every member it probes and nobody can confirm
 * or refute; memberlist then declares them dead when the suspicion timers run out, and once the node is back the
 * cluster accepts those deaths (each refuted, but each a false `leave` in every application).
 *
 * The rule: while most of our recent probes went unheard (at least {@link ISOLATION_SILENT} of the last
 * {@link ISOLATION_WINDOW} failed without a single ack or nack from the target or the relays), and for a grace
 * period of two minimum suspicion timeouts after that (opened by an immediate push/pull), a suspicion timer
 * that expires does not declare the member dead if we were isolated at any time since the suspicion
 * started; it waits and decides again. Suspicions raised while we were in contact are never held, so a real
 * failure — even of many members at once — is declared as before, by us and by every other member. A
 * suspicion is held for at most one extra maximum suspicion timeout; if we are still isolated then, the member
 * is declared dead locally but, unless k members confirmed it, the death is not broadcast (a "quiet" death):
 * our own view and events say what we can see (nobody answers, so `rejoin` and `reconnect` can start working),
 * and nobody else is told a death only we have witnessed. Our
 * push/pull later reports such members as dead, which peers verify as suspicions, as memberlist does for every
 * remote death. Only this node's own decisions change; the messages it sends are ordinary memberlist
 * messages, so Go peers are unaffected.
 */
import type { Clock } from '@gossip/transport';

/** Probe outcomes remembered. */
export const ISOLATION_WINDOW = 3;
/** Silent probes among the last {@link ISOLATION_WINDOW} that mean "we are the one cut off". */
export const ISOLATION_SILENT = 2;

/** The grace after isolation ends, in minimum suspicion timeouts (7.2 s each at 64 LAN nodes). */
export const ISOLATION_GRACE_MINS = 2;

/**
 * How a probe ended. `silent`: it failed and none of the relays asked to help answered either, not even with
 * a nack — nobody at all heard us. A crashed target alone leaves its relays nacking; every relay crashed too
 * is rare even in a mass failure (p⁴ for a fraction p of members down, with 3 relays), and twice running rarer.
 */
export type ProbeOutcome = 'acked' | 'failed' | 'silent';

/** What {@link IsolationDetector.verdict} needs to know about an expired suspicion. */
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
  private readonly outcomes: ProbeOutcome[] = [];
  private next = 0;
  private silent = 0;
  private lastIsolatedAt = -Infinity;
  /**
   * Called when contact comes back (the engine then pushes/pulls at once: the cluster learns our stale
   * suspicions, whose subjects can refute them within the grace, and we learn whether we were declared dead).
   */
  onRecovered: () => void = () => undefined;

  constructor(
    private readonly clock: Clock,
    /** `false` turns isolation awareness off: every expired suspicion becomes a death, as in memberlist. */
    private readonly enabled: boolean,
  ) {}

  /** Records how one probe ended. */
  recordProbe(outcome: ProbeOutcome): void {
    const wasIsolated = this.isolated();
    if (this.outcomes.length < ISOLATION_WINDOW) {
      this.outcomes.push(outcome);
    } else {
      if (this.outcomes[this.next] === 'silent') this.silent--;
      this.outcomes[this.next] = outcome;
      this.next = (this.next + 1) % ISOLATION_WINDOW;
    }
    if (outcome === 'silent') this.silent++;
    // Isolated until now, even when this probe is the one that ends it: the grace starts when contact is back.
    if (wasIsolated || this.isolated()) this.lastIsolatedAt = this.clock.now();
    if (this.enabled && wasIsolated && !this.isolated()) this.onRecovered();
  }

  /** Whether most recent probes went unheard. */
  isolated(): boolean {
    return this.silent >= ISOLATION_SILENT;
  }

  /**
   * The verdict on an expired suspicion: wait `holdMs` and decide again; declare the member dead (`'dead'`);
   * or declare it dead without broadcasting (`'quiet'`). A suspicion during which we were isolated is held
   * while we are and for {@link ISOLATION_GRACE_MINS} × `minMs` after — even a confirmed one: once we are back, the members we push/pull with
   * adopt our stale suspicions as their own and gossip them back to us as if they were independent
   * confirmations (memberlist's `mergeState`), while the accused needs a moment to hear of it and refute. It
   * is held for at most `maxMs` past its expiry; still isolated then, the death is quiet unless k members
   * confirmed it.
   */
  verdict(s: ExpiredSuspicion, expiredAt: number): { holdMs: number } | 'dead' | 'quiet' {
    if (!this.enabled || s.k < 1) return 'dead';
    const now = this.clock.now();
    if (this.isolated()) this.lastIsolatedAt = now;
    if (this.lastIsolatedAt < s.startedAt) return 'dead';
    const graceEnds = this.lastIsolatedAt + ISOLATION_GRACE_MINS * s.minMs;
    if (graceEnds <= now) return 'dead';
    const capAt = expiredAt + s.maxMs;
    if (capAt > now) return { holdMs: Math.min(graceEnds, capAt) - now };
    return s.confirmations >= s.k ? 'dead' : 'quiet';
  }
}
