/**
 * Membership events as a typed emitter and as bounded async iterators. memberlist's EventDelegate covers
 * join/leave/update; `suspect` and `alive` (a suspect refuted its suspicion) are added for timelines and
 * dashboards.
 */
import { type AbortSignalLike, onAbort } from './abort.js';
import { MemberlistError } from './errors.js';
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

/** One registered listener: what the caller passed, and what runs (a one-shot wrapper for `once`). */
interface Registration {
  readonly listener: MemberEventListener;
  readonly run: MemberEventListener;
}

/** Where {@link EventHub.on} puts a listener: after the others (the default) or before them. */
export interface ListenOptions {
  /** Run once, then remove itself (EventEmitter's `once`). */
  readonly once?: boolean;
  /** Run before the listeners already there (EventEmitter's `prepend*`). */
  readonly prepend?: boolean;
}

/** Fan-out of membership events to listeners and iterators. Listener exceptions are caught and reported. */
export class EventHub {
  // Keyed by string, not MemberEventType: EventEmitter helpers (`events.once`) also listen for 'error', which
  // a node never emits.
  private readonly listeners = new Map<string, Registration[]>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly onClose = new Set<() => void>();
  // The engine's own observers (reconnect): kept apart from the public listeners so that a node's EventEmitter
  // surface (listenerCount, eventNames) shows only what the application registered.
  private readonly observers = new Set<MemberEventListener>();
  private closed = false;

  constructor(
    private readonly defaultBufferSize: number,
    private readonly onListenerError: (err: unknown) => void,
    private readonly onDrop: () => void,
  ) {}

  /**
   * Adds `listener` for events of `type`. Like EventEmitter, the same function may be added more than once and
   * then runs once per registration.
   */
  on(type: string, listener: MemberEventListener, options: ListenOptions = {}): void {
    let list = this.listeners.get(type);
    if (list === undefined) {
      list = [];
      this.listeners.set(type, list);
    }
    const run: MemberEventListener = options.once
      ? (event) => {
          this.remove(type, registration);
          listener(event);
        }
      : listener;
    const registration: Registration = { listener, run };
    if (options.prepend) list.unshift(registration);
    else list.push(registration);
  }

  /** Removes the most recent registration of `listener` for `type` (a `once` one too, by the function given). */
  off(type: string, listener: MemberEventListener): void {
    const list = this.listeners.get(type);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener === listener) {
        this.remove(type, list[i]!);
        return;
      }
    }
  }

  /** Removes every listener of `type`, or of every type. */
  removeAll(type?: string): void {
    if (type === undefined) this.listeners.clear();
    else this.listeners.delete(type);
  }

  /** The functions registered for `type`, in call order: as given (`raw: false`) or as run (`once` wrappers). */
  registered(type: string, raw = false): MemberEventListener[] {
    return (this.listeners.get(type) ?? []).map((r) => (raw ? r.run : r.listener));
  }

  /** The event types that have listeners. */
  types(): string[] {
    return [...this.listeners.keys()];
  }

  /**
   * Resolves with the next event of `type`. Rejects with `ERR_ABORTED` (cause: the signal's reason) when `signal`
   * aborts first, and with `ERR_SHUTDOWN` when the node shuts down first.
   */
  next(type: MemberEventType, signal?: AbortSignalLike): Promise<MemberEvent> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new MemberlistError('ERR_ABORTED', `wait for a ${type} event aborted`, { cause: signal.reason }));
        return;
      }
      if (this.closed) {
        reject(new MemberlistError('ERR_SHUTDOWN', 'node is shut down'));
        return;
      }
      const settle = (): void => {
        this.off(type, listener);
        this.onClose.delete(closed);
        removeAbort();
      };
      const listener: MemberEventListener = (event) => {
        settle();
        resolve(event);
      };
      const closed = (): void => {
        settle();
        reject(new MemberlistError('ERR_SHUTDOWN', 'node is shut down'));
      };
      this.on(type, listener);
      this.onClose.add(closed);
      const removeAbort = onAbort(signal, () => {
        settle();
        reject(new MemberlistError('ERR_ABORTED', `wait for a ${type} event aborted`, { cause: signal?.reason }));
      });
    });
  }

  /**
   * Delivers `event` to the listeners of `type` (synchronously, in registration order) and, for the node's own
   * events, to iterators (buffered). Returns whether any listener was registered.
   */
  emit(event: MemberEvent, toIterators = true): boolean {
    if (this.closed) return false;
    if (toIterators) {
      for (const observer of this.observers) {
        try {
          observer(event);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    const list = this.listeners.get(event.type);
    if (list !== undefined) {
      for (const registration of [...list]) {
        try {
          registration.run(event);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    if (toIterators) for (const sub of this.subscribers) sub.push(event);
    return list !== undefined && list.length > 0;
  }

  /**
   * Adds an engine-internal observer of the node's own events (not of events an application emits itself). It is
   * not a listener: `registered` and `types` do not show it. Returns the function that removes it.
   */
  observe(observer: MemberEventListener): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Ends every iterator and pending {@link EventHub.next}, and ignores further events (on shutdown). */
  close(): void {
    this.closed = true;
    for (const sub of [...this.subscribers]) sub.end();
    for (const closed of [...this.onClose]) closed();
  }

  private remove(type: string, registration: Registration): void {
    const list = this.listeners.get(type);
    const i = list?.indexOf(registration) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.listeners.delete(type);
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
