import { describe, expect, it } from 'vitest';
import { Feed, type FeedEvent } from './feed.js';

describe('Feed', () => {
  it('given more events than its capacity, then it keeps the newest, numbered in order with their time', () => {
    let now = 0;
    const feed = new Feed(3, () => ++now);
    for (let i = 0; i < 5; i++) feed.publish({ kind: 'demo', message: `m${i}` });
    expect(feed.since().map((e) => [e.id, e.time, e.kind === 'demo' && e.message])).toEqual([
      [3, 3, 'm2'],
      [4, 4, 'm3'],
      [5, 5, 'm4'],
    ]);
    expect(feed.since(4).map((e) => e.id)).toEqual([5]);
  });

  it('given a subscriber, then it gets every later event until it unsubscribes', () => {
    const feed = new Feed();
    const got: FeedEvent[] = [];
    const off = feed.subscribe((e) => got.push(e));
    expect(feed.subscribers).toBe(1);
    feed.publish({ kind: 'demo', message: 'a' });
    off();
    feed.publish({ kind: 'demo', message: 'b' });
    expect(got.map((e) => e.id)).toEqual([1]);
    expect(feed.subscribers).toBe(0);
  });
});
