/**
 * A node's view of the simulation clock that can be paused, modelling a stalled process (a stop-the-world GC
 * pause, SIGSTOP, a starved VM): while paused none of the node's timers run; when it resumes, every timer that
 * fell due meanwhile runs at once, in the order it was due, and `now()` has jumped ahead. Paired with
 * `MemoryNetwork.pause`, which holds the node's inbound traffic for the same span, the whole process stands still.
 */
import type { Clock, TimerHandle } from '@gossip/transport';

/** The handle of one timer: the underlying clock's current handle (it changes when a pause defers the timer). */
interface NodeTimer {
  inner: TimerHandle;
}

/** A pausable {@link Clock} over a shared one. */
export class NodeClock implements Clock {
  private pausedUntil = 0;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const timer: NodeTimer = { inner: undefined };
    timer.inner = this.base.setTimeout(() => this.run(timer, fn), delayMs);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle !== undefined) this.base.clearTimeout((handle as NodeTimer).inner);
  }

  /** Pauses the node's timers for `durationMs` from now (extending a pause already running). */
  pause(durationMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.base.now() + durationMs);
  }

  /** Whether the node is paused right now. */
  isPaused(): boolean {
    return this.base.now() < this.pausedUntil;
  }

  private run(timer: NodeTimer, fn: () => void): void {
    const wait = this.pausedUntil - this.base.now();
    if (wait > 0) timer.inner = this.base.setTimeout(() => this.run(timer, fn), wait);
    else fn();
  }
}
