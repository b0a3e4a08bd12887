/**
 * The agent's live feed: membership events, key/value changes and demo narration, kept in a bounded history and
 * fanned out to subscribers (the `/events` server-sent-events stream). A new subscriber first gets the history,
 * so a dashboard opened late still shows how the cluster got where it is.
 */
import type { Stamp } from '../kv/hlc.js';
import type { KvOrigin } from '../kv/store.js';
import type { MemberJson } from './member-json.js';

/** A membership event as the dashboard shows it. */
export interface MemberFeedEvent {
  readonly kind: 'member';
  /** `join`, `suspect`, `alive` (refuted), `dead`, `left`, `update`. */
  readonly type: 'join' | 'suspect' | 'alive' | 'dead' | 'left' | 'update';
  /** The member right after the change. */
  readonly member: MemberJson;
}

/** A key/value change applied to this replica. */
export interface KvFeedEvent {
  readonly kind: 'kv';
  readonly key: string;
  /** New value; `null` when deleted. */
  readonly value: string | null;
  readonly stamp: Stamp;
  readonly origin: KvOrigin;
}

/** A line of demo narration (what the demo does, and how long the cluster took to notice). */
export interface DemoFeedEvent {
  readonly kind: 'demo';
  readonly message: string;
}

/** Any event of the feed. */
export type FeedEventBody = MemberFeedEvent | KvFeedEvent | DemoFeedEvent;

/** An event with its sequence number and wall-clock time (ms since the epoch). */
export type FeedEvent = FeedEventBody & { readonly id: number; readonly time: number };

/** Subscriber callback. */
export type FeedListener = (event: FeedEvent) => void;

/** Bounded history plus fan-out. */
export class Feed {
  private readonly history: FeedEvent[] = [];
  private readonly listeners = new Set<FeedListener>();
  private nextId = 1;

  /**
   * @param capacity events kept for late subscribers
   * @param now wall clock (ms)
   */
  constructor(
    private readonly capacity = 500,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `body` and delivers it to every subscriber. */
  publish(body: FeedEventBody): FeedEvent {
    const event = { ...body, id: this.nextId++, time: this.now() } as FeedEvent;
    this.history.push(event);
    if (this.history.length > this.capacity) this.history.shift();
    for (const listener of [...this.listeners]) listener(event);
    return event;
  }

  /** Events after `afterId` still in the history (all of them by default). */
  since(afterId = 0): FeedEvent[] {
    return this.history.filter((e) => e.id > afterId);
  }

  /** Subscribes to future events; returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of current subscribers. */
  get subscribers(): number {
    return this.listeners.size;
  }
}
