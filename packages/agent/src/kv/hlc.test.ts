import { describe, expect, it } from 'vitest';
import { HybridClock, MAX_CLOCK_DRIFT_MS, compareStamps } from './hlc.js';

describe('HybridClock', () => {
  it('given a wall clock that stands still, when ticking, then stamps still strictly increase', () => {
    const clock = new HybridClock('a', () => 1000);
    const s1 = clock.tick();
    const s2 = clock.tick();
    expect(compareStamps(s2, s1)).toBeGreaterThan(0);
    expect(s2).toEqual({ wall: 1000, logical: 1, node: 'a' });
  });

  it('given a remote stamp ahead of our clock, when observed, then our next stamp orders after it', () => {
    const clock = new HybridClock('a', () => 1000);
    clock.observe({ wall: 5000, logical: 7, node: 'b' });
    const next = clock.tick();
    expect(compareStamps(next, { wall: 5000, logical: 7, node: 'b' })).toBeGreaterThan(0);
  });

  it('given a remote stamp absurdly far in the future, when observed, then our clock advances only by the drift bound', () => {
    const clock = new HybridClock('a', () => 1000);
    clock.observe({ wall: 1e12, logical: 0, node: 'b' });
    expect(clock.tick().wall).toBe(1000 + MAX_CLOCK_DRIFT_MS);
  });

  it('given two stamps equal but for the node, then the node name breaks the tie, and only identical stamps compare 0', () => {
    expect(compareStamps({ wall: 1, logical: 0, node: 'a' }, { wall: 1, logical: 0, node: 'b' })).toBeLessThan(0);
    expect(compareStamps({ wall: 1, logical: 0, node: 'b' }, { wall: 1, logical: 0, node: 'b' })).toBe(0);
    expect(compareStamps({ wall: 2, logical: 0, node: 'a' }, { wall: 1, logical: 9, node: 'z' })).toBeGreaterThan(0);
  });

  it('given a clock source with fractional milliseconds (performance.now, virtual time), then stamps are whole milliseconds that peers accept', () => {
    let now = 1000.75;
    const clock = new HybridClock('a', () => now);
    expect(clock.tick()).toEqual({ wall: 1000, logical: 0, node: 'a' });
    now = 1001.2;
    expect(clock.tick()).toEqual({ wall: 1001, logical: 0, node: 'a' });
  });
});
