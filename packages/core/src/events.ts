/**
 * Membership events as a typed emitter and as bounded async iterators. memberlist's EventDelegate covers
 * join/leave/update; `suspect` and `alive` (a suspect refuted its suspicion) are added for timelines and
 * dashboards.
 */
import { type AbortSignalLike, onAbort } from './abort.js';
import type { Member } from './member.js';

/** Kinds of membership events. */
export type MemberEventType = 'join' | 'leave' | 'update' | 'suspect' | 'alive';

/** One membership change as seen by this node. */
export interface MemberEvent {
  /** `join`: member became alive from unknown/dead/left; `leave`: it left or was declared dead (see `member.state`);
   * `update`: its metadata changed; `suspect`: it is suspected of failure; `alive`: a suspect member was
   * cleared (it refuted). */
  readonly type: MemberEventType;
  /** The member right after the change. */
  readonly member: Member;
  /** When the change was applied (injected clock, ms). */
  readonly at: number;
}

/** A listener for {@link MemberEvent}s of one type. */
export type MemberEventListener = (event: MemberEvent) => void;

/** Options of {@link EventHub.iterate}. */
export interface EventIteratorOptions {
  /** Ends the iteration (the loop completes normally) when aborted. */
  signal?: AbortSignalLike;
  /** Events buffered before the oldest are dropped (defaults to the node's `eventBufferSize`). */
  bufferSize?: number;
}

/** An async iterator over events that also reports how many it had to drop. */
export interface MemberEventIterator extends AsyncIterableIterator<MemberEvent> {
  /** Events discarded because the consumer fell behind by more than the buffer size. */
  readonly dropped: number;
}

interface Subscriber {
  push(event: MemberEvent): void;
  end(): void;
}

/** Fan-out of membership events to listeners and iterators. Listener exceptions are caught and reported. */
export class EventHub {
  private readonly listeners = new Map<MemberEventType, Set<MemberEventListener>>();
  private readonly subscribers = new Set<Subscriber>();
  private closed = false;

  constructor(
    private readonly defaultBufferSize: number,
    private readonly onListenerError: (err: unknown) => void,
    private readonly onDrop: () => void,
  ) {}

  /** Adds `listener` for events of `type`. */
  on(type: MemberEventType, listener: MemberEventListener): void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
  }

  /** Removes a listener added with {@link EventHub.on}. */
  off(type: MemberEventType, listener: MemberEventListener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Delivers `event` to listeners (synchronously) and iterators (buffered). */
  emit(event: MemberEvent): void {
    if (this.closed) return;
    const set = this.listeners.get(event.type);
    if (set !== undefined) {
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    for (const sub of this.subscribers) sub.push(event);
  }

  /** Ends every iterator and ignores further events (on shutdown). */
  close(): void {
    this.closed = true;
    for (const sub of [...this.subscribers]) sub.end();
  }

  /** A bounded async iterator over all future events. */
  iterate(options: EventIteratorOptions = {}): MemberEventIterator {
    const requested = options.bufferSize;
    // A non-finite size (NaN, Infinity) would make the buffer unbounded: fall back to the node's default.
    const capacity = Math.max(1, Math.floor(requested !== undefined && Number.isFinite(requested) ? requested : this.defaultBufferSize));
    const buffer: MemberEvent[] = [];
    let head = 0;
    let waiting: ((r: IteratorResult<MemberEvent>) => void) | undefined;
    let done = this.closed;
    let dropped = 0;
    const subscribers = this.subscribers;
    const onDrop = this.onDrop;

    const finish = (): void => {
      if (done) return;
      done = true;
      subscribers.delete(sub);
      removeAbort();
      if (waiting !== undefined) {
        const w = waiting;
        waiting = undefined;
        w({ value: undefined, done: true });
      }
    };
    const sub: Subscriber = {
      push(event) {
        if (waiting !== undefined) {
          const w = waiting;
          waiting = undefined;
          w({ value: event, done: false });
          return;
        }
        if (buffer.length - head >= capacity) {
          head++;
          dropped++;
          onDrop();
        }
        buffer.push(event);
        if (head > 1024 && head * 2 > buffer.length) {
          buffer.splice(0, head);
          head = 0;
        }
      },
      end: finish,
    };
    if (!done) subscribers.add(sub);
    const removeAbort = onAbort(options.signal, finish);

    const iterator: MemberEventIterator = {
      get dropped() {
        return dropped;
      },
      next(): Promise<IteratorResult<MemberEvent>> {
        if (head < buffer.length) {
          const value = buffer[head++] as MemberEvent;
          return Promise.resolve({ value, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return(): Promise<IteratorResult<MemberEvent>> {
        finish();
        buffer.length = 0;
        head = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
