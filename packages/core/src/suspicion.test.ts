import { describe, expect, it } from 'vitest';
import type { Clock } from '@gossip/transport';
import { Suspicion, remainingSuspicionTime, suspicionTimeouts } from './suspicion.js';

/** A hand-driven clock: timers run only when the test advances time. */
class ManualClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, delayMs: number): number {
    this.seq += 1;
    this.timers.set(this.seq, { at: this.t + Math.max(0, delayMs), fn });
    return this.seq;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Advances to `t + ms`, running due timers in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
  pending(): number {
    return this.timers.size;
  }
}

const setup = (k: number, minMs = 4000, maxMs = 24_000) => {
  const clock = new ManualClock();
  const fired: number[] = [];
  const firedAt: number[] = [];
  const s = new Suspicion({
    from: 'accuser',
    k,
    minMs,
    maxMs,
    clock,
    onTimeout: (n) => {
      fired.push(n);
      firedAt.push(clock.now());
    },
  });
  return { clock, s, fired, firedAt };
};

describe('suspicionTimeouts', () => {
  it('given LAN settings, when the cluster grows, then min and max follow 4 × max(1, log10 n) s and 6× that', () => {
    const lan = (n: number) => suspicionTimeouts({ suspicionMult: 4, suspicionMaxTimeoutMult: 6, probeIntervalMs: 1000, n });
    expect(lan(0)).toEqual({ minMs: 4000, maxMs: 24_000 });
    expect(lan(10)).toEqual({ minMs: 4000, maxMs: 24_000 });
    expect(lan(100)).toEqual({ minMs: 8000, maxMs: 48_000 });
    expect(lan(1000)).toEqual({ minMs: 12_000, maxMs: 72_000 });
  });

  it('given a size between powers of ten, then the log scale is truncated to thousandths as Go does', () => {
    // log10(50) = 1.69897 → 1698; 4 × 1.698 s = 6.792 s.
    expect(suspicionTimeouts({ suspicionMult: 4, suspicionMaxTimeoutMult: 6, probeIntervalMs: 1000, n: 50 })).toEqual({
      minMs: 6792,
      maxMs: 40_752,
    });
    // WAN: mult 6, probe 5 s, n = 3 → scale 1 → 30 s.
    expect(suspicionTimeouts({ suspicionMult: 6, suspicionMaxTimeoutMult: 6, probeIntervalMs: 5000, n: 3 }).minMs).toBe(30_000);
    // Sub-millisecond precision survives, as in Go's nanosecond Durations: 3 × 1.698 × 1 ms.
    expect(suspicionTimeouts({ suspicionMult: 3, suspicionMaxTimeoutMult: 1, probeIntervalMs: 1, n: 50 }).minMs).toBeCloseTo(5.094, 9);
  });
});

describe('remainingSuspicionTime', () => {
  // Values from memberlist's suspicion_test.go TestSuspicion_remainingSuspicionTime.
  it.each([
    [0, 3, 0, 2000, 30_000, 30_000],
    [1, 3, 2000, 2000, 30_000, 14_000],
    [2, 3, 3000, 2000, 30_000, 4810],
    [3, 3, 4000, 2000, 30_000, -2000],
    [4, 3, 5000, 2000, 30_000, -3000],
    [5, 3, 10_000, 2000, 30_000, -8000],
  ])('given n=%i of k=%i after %i ms (min %i, max %i), then %i ms remain', (n, k, elapsed, min, max, want) => {
    expect(remainingSuspicionTime(n, k, elapsed, min, max)).toBe(want);
  });
});

describe('Suspicion', () => {
  it('given k ≥ 1 and no confirmations, when max elapses, then the timeout fires once with 0 confirmations', () => {
    const { clock, fired } = setup(3);
    clock.advance(23_999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([0]);
    clock.advance(100_000);
    expect(fired).toEqual([0]);
  });

  it('given k = 0, when min elapses, then the timeout fires (no confirmations are awaited)', () => {
    const { clock, s, fired } = setup(0);
    expect(s.confirm('peer')).toBe(false);
    clock.advance(4000);
    expect(fired).toEqual([0]);
  });

  it('given the accuser or a repeat confirmer, when it confirms, then it does not count', () => {
    const { s } = setup(3);
    expect(s.confirm('accuser')).toBe(false);
    expect(s.confirm('b')).toBe(true);
    expect(s.confirm('b')).toBe(false);
    expect(s.confirmations).toBe(1);
  });

  it('given k confirmations, when more arrive, then they are not new information', () => {
    const { s } = setup(2);
    expect(s.confirm('b')).toBe(true);
    expect(s.confirm('c')).toBe(true);
    expect(s.confirm('d')).toBe(false);
    expect(s.confirmations).toBe(2);
  });

  it('given confirmations, then the timer shrinks to max − ln(c+1)/ln(k+1)·(max − min) from the start', () => {
    // k = 3, min 2 s, max 30 s: one confirmation → 14 s total, two → floor(7810.4…) ms, three → min.
    const { clock, s, firedAt } = setup(3, 2000, 30_000);
    clock.advance(1000);
    s.confirm('b');
    clock.advance(5000);
    s.confirm('c');
    clock.advance(7809 - 6000);
    expect(firedAt).toEqual([]);
    clock.advance(1);
    expect(firedAt).toEqual([7810]);
  });

  it('given all k confirmations arrive late, when the new timeout has already passed, then it fires on the next clock turn', () => {
    const { clock, s, fired, firedAt } = setup(3, 2000, 30_000);
    clock.advance(10_000);
    expect(s.confirm('b')).toBe(true); // total 14 s: 4 s left
    expect(s.confirm('c')).toBe(true); // total 7.81 s: overdue
    expect(fired).toEqual([]); // never re-entrantly inside confirm()
    clock.advance(0);
    expect(fired).toEqual([2]);
    expect(firedAt).toEqual([10_000]);
    expect(s.confirm('d')).toBe(true); // counted, but the timer is done
    clock.advance(60_000);
    expect(fired).toEqual([2]);
  });

  it('given a stopped suspicion, then the timeout never fires and no timer is left behind', () => {
    const { clock, s, fired } = setup(3);
    s.confirm('b');
    s.stop();
    s.stop();
    expect(clock.pending()).toBe(0);
    expect(s.confirm('c')).toBe(true);
    expect(clock.pending()).toBe(0);
    clock.advance(100_000);
    expect(fired).toEqual([]);
  });
});
