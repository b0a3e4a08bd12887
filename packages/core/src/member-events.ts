/**
 * The public face of a node's membership events, shaped like Node's EventEmitter so the platform's helpers work
 * on a node as they do on any emitter: `events.once(node, 'join')`, `for await (const [e] of events.on(node,
 * 'leave', { signal }))`, `node.once('leave', fn)`. On top of that, the promise form `node.once('join', { signal })`
 * and the bounded iterator `node.events()`. Pure TypeScript: core imports nothing from Node.
 */
import type { AbortSignalLike } from './abort.js';
import type {
  EventHub,
  EventIteratorOptions,
  MemberEvent,
  MemberEventIterator,
  MemberEventListener,
  MemberEventType,
} from './events.js';

/** Options of the promise form of {@link MemberEvents.once}. */
export interface OnceOptions {
  /** Gives up waiting: the promise rejects with `ERR_ABORTED`, the signal's reason as its `cause`. */
  readonly signal?: AbortSignalLike;
}

/**
 * Membership events of one node, EventEmitter-compatible. Listeners are called synchronously with one argument,
 * the {@link MemberEvent}; an exception thrown by a listener is logged, never propagated into the protocol. A node
 * never emits `'error'`: EventEmitter helpers that listen for it are accepted and simply never hear it.
 */
export class MemberEvents {
  private maxListeners = 10;

  /** @param hub the node's event fan-out */
  protected constructor(protected readonly hub: EventHub) {}

  /** Adds `listener` for events of `type` (also as `addListener`). */
  on(type: MemberEventType, listener: MemberEventListener): this {
    this.hub.on(type, listener);
    return this;
  }

  /** Same as {@link MemberEvents.on}, for EventEmitter compatibility. */
  addListener(type: MemberEventType, listener: MemberEventListener): this {
    return this.on(type, listener);
  }

  /** Adds `listener` before those already registered for `type`. */
  prependListener(type: MemberEventType, listener: MemberEventListener): this {
    this.hub.on(type, listener, { prepend: true });
    return this;
  }

  /**
   * With a listener: calls it for the next event of `type` only (EventEmitter's `once`; what `events.once(node,
   * type)` uses). Without one: a promise of the next event of `type`, which rejects with `ERR_ABORTED` when
   * `options.signal` aborts first and with `ERR_SHUTDOWN` when the node shuts down first.
   */
  once(type: MemberEventType, listener: MemberEventListener): this;
  once(type: MemberEventType, options?: OnceOptions): Promise<MemberEvent>;
  once(type: MemberEventType, listenerOrOptions?: MemberEventListener | OnceOptions): this | Promise<MemberEvent> {
    if (typeof listenerOrOptions === 'function') {
      this.hub.on(type, listenerOrOptions, { once: true });
      return this;
    }
    return this.hub.next(type, listenerOrOptions?.signal);
  }

  /** Like the listener form of {@link MemberEvents.once}, but runs before the listeners already registered. */
  prependOnceListener(type: MemberEventType, listener: MemberEventListener): this {
    this.hub.on(type, listener, { once: true, prepend: true });
    return this;
  }

  /** Removes the most recent registration of `listener` for `type` (also as `removeListener`). */
  off(type: MemberEventType, listener: MemberEventListener): this {
    this.hub.off(type, listener);
    return this;
  }

  /** Same as {@link MemberEvents.off}, for EventEmitter compatibility. */
  removeListener(type: MemberEventType, listener: MemberEventListener): this {
    return this.off(type, listener);
  }

  /** Removes every listener of `type`, or of every type. Iterators from {@link MemberEvents.events} keep running. */
  removeAllListeners(type?: MemberEventType): this {
    this.hub.removeAll(type);
    return this;
  }

  /** The listeners of `type`, in call order. */
  listeners(type: MemberEventType): MemberEventListener[] {
    return this.hub.registered(type);
  }

  /** The listeners of `type` as they run: `once` registrations appear as their one-shot wrappers. */
  rawListeners(type: MemberEventType): MemberEventListener[] {
    return this.hub.registered(type, true);
  }

  /** How many listeners `type` has (only registrations of `listener`, when given). */
  listenerCount(type: MemberEventType, listener?: MemberEventListener): number {
    const all = this.hub.registered(type);
    return listener === undefined ? all.length : all.filter((l) => l === listener).length;
  }

  /** The event types that have listeners. */
  eventNames(): MemberEventType[] {
    return this.hub.types() as MemberEventType[];
  }

  /**
   * Stored for EventEmitter compatibility and returned by {@link MemberEvents.getMaxListeners}; no leak warning is
   * printed (core writes nothing to the console).
   */
  setMaxListeners(n: number): this {
    this.maxListeners = n;
    return this;
  }

  /** The value given to {@link MemberEvents.setMaxListeners} (10 by default, as EventEmitter). */
  getMaxListeners(): number {
    return this.maxListeners;
  }

  /**
   * Calls the listeners of `type` with `event`, as EventEmitter's `emit` does, and returns whether there were any.
   * Only listeners hear it: iterators, delegates and the member list do not — membership changes come from the
   * protocol alone.
   */
  emit(type: MemberEventType, event: MemberEvent): boolean {
    return this.hub.emit({ ...event, type }, false);
  }

  /** Membership events as a bounded async iterator: `for await (const ev of node.events({ signal }))`. */
  events(options: EventIteratorOptions = {}): MemberEventIterator {
    return this.hub.iterate(options);
  }
}
