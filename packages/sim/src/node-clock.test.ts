import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@gossip/transport';
import { NodeClock } from './node-clock.js';

describe('NodeClock', () => {
  it('given a pause, when timers fall due during it, then none runs until it ends, then all run in due order', async () => {
    const base = new VirtualClock();
    const clock = new NodeClock(base);
    const ran: [string, number][] = [];
    clock.setTimeout(() => ran.push(['a', base.now()]), 500);
    clock.setTimeout(() => ran.push(['b', base.now()]), 300);
    const cancelled = clock.setTimeout(() => ran.push(['c', base.now()]), 400);
    clock.pause(1_000);
    expect(clock.isPaused()).toBe(true);
    clock.clearTimeout(cancelled);
    await base.advance(999);
    expect(ran).toEqual([]);
    await base.advance(1);
    expect(ran).toEqual([
      ['b', 1_000],
      ['a', 1_000],
    ]);
    expect(clock.isPaused()).toBe(false);
  });

  it('given a timer deferred by a pause, when cleared during the pause, then it never runs', async () => {
    const base = new VirtualClock();
    const clock = new NodeClock(base);
    let ran = false;
    const t = clock.setTimeout(() => (ran = true), 100);
    clock.pause(500);
    await base.advance(200); // due, deferred to the end of the pause
    clock.clearTimeout(t);
    await base.advance(1_000);
    expect(ran).toBe(false);
  });
});
