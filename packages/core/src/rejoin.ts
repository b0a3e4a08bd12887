/**
 * Opt-in healing for a node that ended up alone (field notes #9; dskit, antrea and MetalLB each re-implement it
 * on top of memberlist): when every other member is dead or left — a long partition, or the whole cluster
 * restarted — SWIM has nobody left to gossip or push/pull with, and the node stays alone forever. Every
 * `intervalMs` a lone node therefore joins its seeds again, resolving them afresh so DNS seeds can move.
 */
import type { TimerHandle } from '@gossip/transport';
import type { RejoinConfig } from './config.js';
import type { EngineContext } from './context.js';
import { joinCluster } from './join.js';
import type { PendingWaits } from './pending-waits.js';
import type { StreamLayer } from './stream-layer.js';

/** Re-joins seeds while the node is alone; one attempt at a time, failures only logged. */
export class Rejoiner {
  private timer: TimerHandle;
  private running = false;
  private stopped = true;
  /** Seeds of the most recent `join()` call. */
  lastSeeds: readonly string[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly streams: StreamLayer,
    /** Ends the backoffs of an attempt in flight at shutdown. */
    private readonly waits: PendingWaits,
    private readonly settings: RejoinConfig | undefined,
    /** Called after a rejoin that reached someone: the engine follows it with a post-join push/pull, as after `join()`. */
    private readonly onRejoined: () => void = () => undefined,
  ) {}

  /** Starts the timer when rejoin is configured. */
  start(): void {
    if (this.settings === undefined) return;
    this.stopped = false;
    this.arm();
  }

  /** Stops the timer; an attempt in flight ends with the node's streams. */
  stop(): void {
    this.stopped = true;
    this.timer = this.ctx.cancelTimer(this.timer);
  }

  private arm(): void {
    if (this.stopped || this.settings === undefined) return;
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => this.arm());
    }, this.settings.intervalMs);
  }

  private async tick(): Promise<void> {
    const ctx = this.ctx;
    if (this.stopped || this.running || ctx.leaving || ctx.shuttingDown || ctx.anyAlive()) return;
    const seeds = this.settings?.seeds ?? this.lastSeeds;
    if (seeds.length === 0) return;
    this.running = true;
    try {
      const joined = await joinCluster(ctx, this.streams, seeds, undefined, this.waits);
      ctx.logger.info({ seeds, joined }, 'alone in the cluster: rejoined through seeds');
      if (joined > 0 && !ctx.shuttingDown) this.onRejoined();
    } catch (err) {
      if (!ctx.shuttingDown) ctx.logger.debug({ err, seeds }, 'alone in the cluster: rejoin failed');
    } finally {
      this.running = false;
    }
  }
}
