import { GoPeerTimeoutError } from './errors.js';
import type { GoPeerEvent } from './types.js';

/** Listener of {@link EventLog}. */
export type EventListener = (event: GoPeerEvent) => void;

interface Waiter {
  predicate: (event: GoPeerEvent) => boolean;
  resolve: (event: GoPeerEvent) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Every event a Go node emitted, in arrival order (bounded), with listeners, bounded waits and an async
 * iterator. Waits look at the history first, so an event that arrived before the wait started still counts
 * unless the caller asks only for later ones.
 */
export class EventLog implements AsyncIterable<GoPeerEvent> {
  private readonly history: GoPeerEvent[] = [];
  private dropped = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly waiters = new Set<Waiter>();
  private closedBy: Error | undefined;

  /** @param capacity events kept; the oldest are forgotten beyond it. */
  constructor(private readonly capacity = 20_000) {}

  /** Events seen so far (oldest first, at most `capacity`). */
  all(): readonly GoPeerEvent[] {
    return this.history;
  }

  /** Position to pass as `since` to only consider events after this moment. */
  mark(): number {
    return this.dropped + this.history.length;
  }

  /** Adds a listener; returns a function that removes it. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records one event and notifies listeners and waiters. */
  push(event: GoPeerEvent): void {
    this.history.push(event);
    if (this.history.length > this.capacity) {
      this.history.shift();
      this.dropped += 1;
    }
    for (const listener of this.listeners) listener(event);
    for (const waiter of this.waiters) {
      if (waiter.predicate(event)) this.settle(waiter, () => waiter.resolve(event));
    }
  }

  /** Fails every pending and future wait (the process is gone). */
  close(reason: Error): void {
    this.closedBy = reason;
    for (const waiter of this.waiters) this.settle(waiter, () => waiter.reject(reason));
  }

  /**
   * Resolves with the first event matching `predicate` at or after position `since` (default: the start of
   * the history); rejects with {@link GoPeerTimeoutError} after `timeoutMs`.
   */
  waitFor(
    predicate: (event: GoPeerEvent) => boolean,
    timeoutMs: number,
    options: { since?: number; description?: string } = {},
  ): Promise<GoPeerEvent> {
    const since = options.since ?? 0;
    const start = Math.max(0, since - this.dropped);
    for (let i = start; i < this.history.length; i++) {
      const event = this.history[i]!;
      if (predicate(event)) return Promise.resolve(event);
    }
    if (this.closedBy) return Promise.reject(this.closedBy);
    return new Promise<GoPeerEvent>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter, () =>
            reject(
              new GoPeerTimeoutError(
                `no ${options.description ?? 'matching event'} within ${timeoutMs} ms`,
              ),
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Iterates over events from now on until the process exits. */
  async *[Symbol.asyncIterator](): AsyncIterator<GoPeerEvent> {
    const queue: GoPeerEvent[] = [];
    let wake: (() => void) | undefined;
    const off = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          if (next.type === 'exit') return;
          continue;
        }
        if (this.closedBy) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      off();
    }
  }

  private settle(waiter: Waiter, action: () => void): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    action();
  }
}
