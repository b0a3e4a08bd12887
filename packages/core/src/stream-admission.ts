/**
 * Admission of inbound streams beyond the CIDR check: how many one source address may hold open, how many bytes all
 * of them may buffer together, and the inbound push/pull slots. Anyone can open TCP connections to the gossip port,
 * encrypted cluster or not; these caps keep slow, idle or oversized streams from starving legitimate joins and
 * push/pulls or exhausting memory (SECURITY.md, "What an encrypted cluster still exposes").
 *
 * Push/pull slots (memberlist's `maxConcurrentPushPulls`, 128) are taken only once a push/pull's header is complete
 * (the stream layer asks from `readFrame`'s header hook), so connections that trickle or never send their header
 * hold none. A complete push/pull that finds every slot taken waits up to `pushPullSlotWaitMs` for one, in arrival
 * order, instead of being refused at once: in a join storm through one seed, joins then queue for a second
 * instead of failing and retrying. At most `maxConcurrentPushPulls` wait; beyond that, and after the wait, the
 * stream is refused.
 */
import type { TimerHandle } from '@gossip/transport';
import { splitHostPort } from '@gossip/wire';
import type { EngineContext } from './context.js';
import { MetricNames } from './metrics.js';

/** Which stream limit refused a stream: the `limit` label of `gossip.stream.refused`. */
export type StreamLimit = 'per_source' | 'buffered_bytes' | 'push_pull_slots';

interface SlotWaiter {
  readonly resolve: (granted: boolean) => void;
  readonly timer: TimerHandle;
}

/** The stream caps of one node; see the module comment. */
export class StreamAdmission {
  private readonly perSource = new Map<string, number>();
  private buffered = 0;
  private pushPulls = 0;
  private readonly waiters: SlotWaiter[] = [];

  constructor(private readonly ctx: EngineContext) {}

  /** Bytes currently buffered by all inbound streams. */
  bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Admits a new inbound stream from `from` unless its source holds `maxInboundStreamsPerSource` streams already
   * or the inbound streams buffer `maxInboundStreamBytes`; an admitted stream is given back with
   * {@link StreamAdmission.release}.
   */
  admit(from: string): boolean {
    const c = this.ctx.config;
    const source = sourceOf(from);
    const open = this.perSource.get(source) ?? 0;
    if (open >= c.maxInboundStreamsPerSource) {
      return this.refuse('per_source', `${open} streams open from this source`, from);
    }
    if (this.buffered >= c.maxInboundStreamBytes) {
      return this.refuse('buffered_bytes', `inbound streams buffer ${this.buffered} bytes`, from);
    }
    this.perSource.set(source, open + 1);
    return true;
  }

  /** Gives back a stream admitted with {@link StreamAdmission.admit}. */
  release(from: string): void {
    const source = sourceOf(from);
    const open = (this.perSource.get(source) ?? 1) - 1;
    if (open <= 0) this.perSource.delete(source);
    else this.perSource.set(source, open);
  }

  /** Charges `n` more buffered bytes to the shared total; false (counted, logged) when that would pass the cap. */
  charge(n: number, from: string): boolean {
    if (this.buffered + n > this.ctx.config.maxInboundStreamBytes) {
      return this.refuse('buffered_bytes', `a ${n}-byte chunk would pass maxInboundStreamBytes`, from);
    }
    this.buffered += n;
    return true;
  }

  /** Gives back `n` bytes charged with {@link StreamAdmission.charge}. */
  uncharge(n: number): void {
    this.buffered = Math.max(0, this.buffered - n);
  }

  /**
   * Takes an inbound push/pull slot, waiting up to `pushPullSlotWaitMs` for one; resolves false (counted, logged)
   * when none frees in time. A slot is given back with {@link StreamAdmission.releasePushPull}.
   */
  acquirePushPull(from: string): Promise<boolean> {
    const ctx = this.ctx;
    const c = ctx.config;
    if (this.pushPulls < c.maxConcurrentPushPulls) {
      this.pushPulls++;
      return Promise.resolve(true);
    }
    if (c.pushPullSlotWaitMs <= 0 || this.waiters.length >= c.maxConcurrentPushPulls || ctx.shuttingDown) {
      return Promise.resolve(this.refuse('push_pull_slots', 'too many pending push/pull requests', from));
    }
    return new Promise<boolean>((resolve) => {
      const waiter: SlotWaiter = {
        resolve,
        timer: ctx.clock.setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve(this.refuse('push_pull_slots', `no push/pull slot freed within ${c.pushPullSlotWaitMs} ms`, from));
        }, c.pushPullSlotWaitMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives back a slot; the longest waiter, if any, gets it. */
  releasePushPull(): void {
    const next = this.waiters.shift();
    if (next === undefined) {
      this.pushPulls--;
      return;
    }
    this.ctx.clock.clearTimeout(next.timer);
    next.resolve(true);
  }

  /** Refuses every waiter and cancels their timers (shutdown). */
  close(): void {
    for (const w of this.waiters.splice(0)) {
      this.ctx.clock.clearTimeout(w.timer);
      w.resolve(false);
    }
  }

  private refuse(limit: StreamLimit, reason: string, from: string): false {
    this.ctx.metrics.incrCounter(MetricNames.streamRefused, 1, { limit });
    this.ctx.drop('stream', 'ERR_OVERLOADED', `refused (${limit}): ${reason}`, from);
    return false;
  }
}

/** The source address of `ip:port` (its IP); the whole string if it does not parse. */
function sourceOf(from: string): string {
  try {
    return splitHostPort(from).host;
  } catch {
    return from;
  }
}
