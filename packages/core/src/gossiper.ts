/**
 * Dissemination timers (PROTOCOL.md §9.3, §9.6): gossip rounds that push queued broadcasts to a few random peers
 * (including the recently dead, so they can refute), and periodic push/pull anti-entropy with one random alive
 * peer, its interval scaled with cluster size. Both start after a random stagger so nodes do not synchronise.
 *
 * Two departures from memberlist, both invisible on the wire:
 * - The gossip timer sleeps while the broadcast queue is empty and no delegate supplies broadcasts (a round would
 *   send nothing, not even to the dead), and wakes on the next queued broadcast at the next tick of its original
 *   phase. An idle LAN node's timers then fire ~1 time a second (its probe) instead of ~6; each event-loop
 *   wake-up costs ~70 µs in Node.
 * - After a successful join, an extra push/pull with a random alive peer a few seconds later repairs views a
 *   join storm left incomplete, instead of waiting 1–2 push/pull intervals for the first periodic one; it is
 *   repeated while the previous one brought new members (up to 8 in all) or failed (up to 4 in all), and what it
 *   brings is merged quietly (see Membership.mergeEntry).
 */
import type { TimerHandle } from '@gossip/transport';
import type { EngineContext } from './context.js';
import { hostPort } from './member.js';
import { COMPOUND_OVERHEAD, type PacketLayer } from './packet-layer.js';
import type { StreamLayer } from './stream-layer.js';

/** Most failed post-join push/pulls in one chain (see `schedulePostJoinPushPull`). */
export const POST_JOIN_MAX_FAILURES = 4;

/** Most post-join push/pulls while they bring new members, the first included. */
export const POST_JOIN_LEARNING_ATTEMPTS = 8;

/** The delay between post-join push/pulls doubles, on each answered one, this many times at most (to 8 ×). */
const POST_JOIN_DOUBLINGS = 3;

/** memberlist's `pushPullScale`: ×1 up to 32 nodes, then one more multiple per doubling. */
export function pushPullScale(intervalMs: number, n: number): number {
  const threshold = 32;
  if (n <= threshold) return intervalMs;
  const multiplier = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
  return intervalMs * multiplier;
}

/** Runs gossip rounds and periodic push/pull for one node. */
export class Gossiper {
  private gossipTimer: TimerHandle;
  private pushPullTimer: TimerHandle;
  private postJoinTimer: TimerHandle;
  private nextGossipAt = 0;
  private gossipEnabled = false;
  private stopped = true;

  constructor(
    private readonly ctx: EngineContext,
    private readonly packets: PacketLayer,
    private readonly streams: StreamLayer,
  ) {
    ctx.broadcasts.onQueued = () => this.wakeGossip();
  }

  /** Starts both timers, each after a random stagger. */
  start(): void {
    const ctx = this.ctx;
    const c = ctx.config;
    this.stopped = false;
    this.gossipEnabled = c.gossipIntervalMs > 0 && c.gossipNodes > 0;
    if (this.gossipEnabled) {
      this.nextGossipAt = ctx.clock.now() + ctx.stagger(c.gossipIntervalMs);
      this.armGossip();
    }
    if (c.pushPullIntervalMs > 0) {
      this.pushPullTimer = ctx.clock.setTimeout(() => this.schedulePushPull(), ctx.stagger(c.pushPullIntervalMs));
    }
  }

  /** Stops both timers. */
  stop(): void {
    this.stopped = true;
    this.gossipTimer = this.ctx.cancelTimer(this.gossipTimer);
    this.pushPullTimer = this.ctx.cancelTimer(this.pushPullTimer);
    this.postJoinTimer = this.ctx.cancelTimer(this.postJoinTimer);
  }

  /**
   * Schedules the post-join push/pull (config `postJoinPushPullDelayMs`, 0 disables): after a random delay in
   * [d, 2d), so the join storm's gossip has drained (≤ retransmit limit × gossip interval, 1.6 s on LAN below 100
   * nodes) and the peer's view is as complete as gossip alone makes it, and spread so the storm's joiners do not
   * all exchange at once. One is pending at a time; a later join while it is pending does not add another.
   * It is the only repair of a view a storm left incomplete before the first periodic push/pull (3 minutes at
   * 1,000 nodes), so while one fails (a peer too busy to answer in time; up to {@link POST_JOIN_MAX_FAILURES}
   * failures) or still brings members new to us (the storm is still going: the early joiners of a big one learn
   * most of it this way), another follows with another random peer, after twice the delay when the previous one
   * answered and after the same delay when it failed (a busy peer calls for another peer soon), at most 8 delays and
   * {@link POST_JOIN_LEARNING_ATTEMPTS} push/pulls in all. A storm's late joiner that stopped while it still brought
   * news could miss an early member for minutes: that member's gossip had long ended, and no periodic push/pull was
   * due. Failures are counted, not attempts: in a 1,024-node storm, early joiners learned on their first two
   * push/pulls, then lost two to busy peers and stopped at their fourth, still missing the storm's last members.
   *
   * What it brings is merged quietly (Membership.mergeEntry): the peer is a member of the cluster we joined, and
   * what it lists is news to us alone. A 1,000-member push/pull costs a few milliseconds of CPU.
   */
  schedulePostJoinPushPull(attempt = 1, failures = 0): void {
    const ctx = this.ctx;
    const d = ctx.config.postJoinPushPullDelayMs * 2 ** Math.min(attempt - 1 - failures, POST_JOIN_DOUBLINGS);
    if (this.stopped || d <= 0 || this.postJoinTimer !== undefined) return;
    const delay = d + ctx.stagger(d);
    this.postJoinTimer = ctx.clock.setTimeout(() => {
      this.postJoinTimer = undefined;
      if (this.stopped) return;
      const before = ctx.table.size;
      void this.pushPull(true).then((ok) => {
        const failed = ok ? failures : failures + 1;
        const again = attempt < POST_JOIN_LEARNING_ATTEMPTS && (ok ? ctx.table.size > before : failed < POST_JOIN_MAX_FAILURES);
        if (again) this.schedulePostJoinPushPull(attempt + 1, failed);
      });
    }, delay);
  }

  /** Whether a gossip round could send anything: queued broadcasts, or a delegate that may produce some. */
  private hasSomethingToGossip(): boolean {
    return this.ctx.broadcasts.numQueued() > 0 || this.ctx.config.delegate?.getBroadcasts !== undefined;
  }

  /**
   * Re-arms a sleeping gossip timer when a broadcast is queued, at the next tick of the original phase (so the
   * cadence, and a simulation's trace for a given seed, do not depend on when the timer slept).
   */
  private wakeGossip(): void {
    if (this.stopped || !this.gossipEnabled || this.gossipTimer !== undefined) return;
    const now = this.ctx.clock.now();
    const interval = this.ctx.config.gossipIntervalMs;
    if (this.nextGossipAt <= now) {
      this.nextGossipAt += (Math.floor((now - this.nextGossipAt) / interval) + 1) * interval;
    }
    this.armGossip();
  }

  private armGossip(): void {
    const ctx = this.ctx;
    this.gossipTimer = ctx.clock.setTimeout(
      () => {
        this.gossipTimer = undefined;
        if (this.stopped) return;
        this.nextGossipAt += ctx.config.gossipIntervalMs;
        if (this.nextGossipAt <= ctx.clock.now()) this.nextGossipAt = ctx.clock.now() + ctx.config.gossipIntervalMs;
        try {
          this.gossip();
        } finally {
          // Sleep when the round drained the queue; a broadcast queued meanwhile may already have re-armed us.
          if (this.gossipTimer === undefined && !this.stopped && this.hasSomethingToGossip()) this.armGossip();
        }
      },
      Math.max(0, this.nextGossipAt - ctx.clock.now()),
    );
  }

  /** One gossip round (memberlist's `gossip`). */
  gossip(): void {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    const c = ctx.config;
    const targets = ctx.table.kRandom(c.gossipNodes, (n) => {
      if (n.name === ctx.name) return true;
      if (n.state === 'alive' || n.state === 'suspect') return false;
      if (n.state === 'dead') return now - n.stateChangedAt > c.gossipToTheDeadTimeMs;
      return true;
    });
    for (const node of targets) {
      const msgs = this.packets.getBroadcasts(COMPOUND_OVERHEAD, this.packets.packingBudget());
      if (msgs.length === 0) break;
      void this.packets.sendMessages(hostPort(node.ip, node.port), node, msgs);
    }
  }

  private schedulePushPull(): void {
    const ctx = this.ctx;
    if (this.stopped) return;
    const delay = pushPullScale(ctx.config.pushPullIntervalMs, ctx.table.size);
    this.pushPullTimer = ctx.clock.setTimeout(() => {
      this.pushPullTimer = undefined;
      if (this.stopped) return;
      void this.pushPull().finally(() => this.schedulePushPull());
    }, delay);
  }

  /**
   * One anti-entropy exchange with a random alive peer (memberlist's `pushPull`). Resolves false if it failed,
   * true if it worked or there was nobody to ask. `quiet`: merge the answer without gossiping the members new to
   * us (see Membership.mergeEntry).
   */
  async pushPull(quiet = false): Promise<boolean> {
    const ctx = this.ctx;
    const [peer] = ctx.table.kRandom(1, (n) => n.name === ctx.name || n.state !== 'alive');
    if (peer === undefined) return true;
    try {
      await this.streams.pushPull(hostPort(peer.ip, peer.port), false, undefined, undefined, quiet ? () => true : undefined);
      return true;
    } catch (err) {
      if (!ctx.shuttingDown) ctx.logger.warn({ err, peer: peer.name }, 'push/pull failed');
      return false;
    }
  }
}
