import type { Clock, TimerHandle } from './runtime.js';

/** Options for {@link createSystemClock}. */
export interface SystemClockOptions {
  /**
   * When true, timers do not keep the Node.js process alive (`timer.unref()`): a process whose only remaining
   * work is gossip timers may exit. Default false — timers behave like ordinary `setTimeout`.
   */
  readonly unrefTimers?: boolean;
}

/**
 * Builds a {@link Clock} over the real process: `now()` is `performance.now()` (monotonic, immune to wall-clock
 * steps, which matters because SWIM timeouts must not fire early when NTP adjusts the clock), timers are the
 * host's `setTimeout`.
 */
export function createSystemClock(options: SystemClockOptions = {}): Clock {
  const unref = options.unrefTimers === true;
  return {
    now: () => performance.now(),
    setTimeout(fn: () => void, delayMs: number): TimerHandle {
      const timer = setTimeout(fn, Math.max(0, delayMs));
      if (unref && typeof timer === 'object' && typeof timer.unref === 'function') timer.unref();
      return timer;
    },
    clearTimeout(handle: TimerHandle): void {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
}

/** The real monotonic clock with ordinary (process-keeping) timers. */
export const systemClock: Clock = createSystemClock();
