/**
 * A clock that forwards to another (the cluster's virtual clock) and counts what goes through it, so a test can
 * tell the node's own timers from the transport's (a memory network schedules on the shared clock too).
 */
import type { Clock, TimerHandle } from '@gossip/transport';

export class CountingClock implements Clock {
  /** Timer callbacks that ran. */
  fired = 0;
  private readonly live = new Set<TimerHandle>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = this.inner.setTimeout(() => {
      this.live.delete(handle);
      this.fired++;
      fn();
    }, delayMs);
    this.live.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.live.delete(handle);
    this.inner.clearTimeout(handle);
  }

  /** Timers set through this clock that have neither fired nor been cleared. */
  pending(): number {
    return this.live.size;
  }
}
