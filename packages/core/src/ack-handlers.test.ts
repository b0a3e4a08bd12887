import { VirtualClock } from '@gossip/transport';
import { describe, expect, it } from 'vitest';
import { AckHandlers } from './ack-handlers.js';

describe('AckHandlers', () => {
  it('given a pending ack, when the ack arrives, then onAck runs once with the payload and the timer is cleared', async () => {
    const clock = new VirtualClock();
    const acks = new AckHandlers(clock);
    const seen: unknown[] = [];
    acks.register(7, 500, { onAck: (p, at) => seen.push([p, at]), onTimeout: () => seen.push('timeout') });
    expect(acks.ack(7, Uint8Array.of(1), 42)).toBe(true);
    expect(acks.ack(7, null, 43)).toBe(false);
    await clock.advance(1000);
    expect(seen).toEqual([[Uint8Array.of(1), 42]]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('given a pending ack, when nacks arrive then time runs out, then nacks are counted and onTimeout runs', async () => {
    const clock = new VirtualClock();
    const acks = new AckHandlers(clock);
    let nacks = 0;
    let timedOut = false;
    acks.register(1, 500, { onAck: () => undefined, onNack: () => nacks++, onTimeout: () => (timedOut = true) });
    acks.nack(1);
    acks.nack(1);
    acks.nack(99);
    await clock.advance(500);
    expect(timedOut).toBe(false);
    await clock.advance(1);
    expect([nacks, timedOut, acks.size]).toEqual([2, true, 0]);
  });

  it('given an expired handler, when the ack is read in the I/O turn after expiry, then it still completes (stall guard)', async () => {
    const clock = new VirtualClock();
    const acks = new AckHandlers(clock);
    const seen: string[] = [];
    acks.register(3, 500, { onAck: () => seen.push('ack'), onTimeout: (late) => seen.push(`timeout+${late}`) });
    await clock.advance(500);
    expect(acks.ack(3, null, 500)).toBe(true);
    await clock.advance(10);
    expect(seen).toEqual(['ack']);
  });

  it('given a timer that fired late, when it expires, then onTimeout reports the lateness', async () => {
    const clock = new VirtualClock();
    const acks = new AckHandlers(clock);
    let late = -1;
    acks.register(4, 0, { onAck: () => undefined, onTimeout: (l) => (late = l) });
    await clock.advance(5);
    expect(late).toBe(0);
  });

  it('given pending acks, when cleared, then nothing fires', async () => {
    const clock = new VirtualClock();
    const acks = new AckHandlers(clock);
    let fired = false;
    acks.register(1, 10, { onAck: () => (fired = true), onTimeout: () => (fired = true) });
    acks.clear();
    await clock.advance(100);
    expect(fired).toBe(false);
  });
});
