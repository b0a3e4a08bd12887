import { describe, expect, it } from 'vitest';
import { VirtualClock, VirtualClockError } from './virtual-clock.js';
import { createSeededRandom } from './seeded-random.js';

describe('VirtualClock', () => {
  it('given timers scheduled out of order, when time advances, then they fire in due order with ties in scheduling order', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('c@30'), 30);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('b1@20'), 20);
    clock.setTimeout(() => fired.push('b2@20'), 20);
    await clock.advance(25);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20']);
    expect(clock.now()).toBe(25);
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(5);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('given a timer, when it is cleared (even by an earlier timer at the same instant), then it never fires', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const handles: { later?: unknown } = {};
    clock.setTimeout(() => clock.clearTimeout(handles.later), 10);
    handles.later = clock.setTimeout(() => fired.push('later'), 10);
    clock.setTimeout(() => fired.push('other'), 5);
    const cancelled = clock.setTimeout(() => fired.push('cancelled'), 1);
    clock.clearTimeout(cancelled);
    clock.clearTimeout(cancelled);
    expect(clock.pendingTimers()).toBe(3);
    await clock.advance(20);
    expect(fired).toEqual(['other']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('given async code awaiting between timers, when time advances, then continuations run at the instant they belong to', async () => {
    const clock = new VirtualClock();
    const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
    const log: string[] = [];
    const worker = async (name: string, gap: number) => {
      for (let i = 0; i < 3; i++) {
        await sleep(gap);
        await Promise.resolve();
        log.push(`${name}${i}@${clock.now()}`);
      }
    };
    void worker('a', 10);
    void worker('b', 15);
    await clock.advance(45);
    // b1 was scheduled (at 15) before a2 (at 20), so it fires first at the shared instant 30.
    expect(log).toEqual(['a0@10', 'b0@15', 'a1@20', 'b1@30', 'a2@30', 'b2@45']);
  });

  it('given a timer scheduling a zero-delay timer, when the instant runs, then the new timer fires at the same instant after pending continuations', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => log.push('continuation'));
      clock.setTimeout(() => log.push(`zero@${clock.now()}`), 0);
    }, 7);
    await clock.advance(7);
    expect(log).toEqual(['continuation', 'zero@7']);
  });

  it('given a predicate, when runUntil is used, then time stops at the first instant it holds, or at maxMs', async () => {
    const clock = new VirtualClock({ startAt: 1000 });
    let ticks = 0;
    const tick = () => {
      ticks++;
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    expect(await clock.runUntil(() => ticks >= 5, 10_000)).toBe(true);
    expect(clock.now()).toBe(1500);
    expect(await clock.runUntil(() => ticks >= 1000, 1000)).toBe(false);
    expect(clock.now()).toBe(2500);
    expect(ticks).toBe(15);
  });

  it('given a clock being advanced, when advance is called again concurrently, then it refuses with ERR_CLOCK_REENTRANT', async () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => undefined, 10);
    const first = clock.advance(10);
    await expect(clock.advance(1)).rejects.toBeInstanceOf(VirtualClockError);
    await first;
  });

  it('given a throwing timer, when its instant runs, then the others still fire and the error reaches the driver', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 5);
    clock.setTimeout(() => fired.push('sibling'), 5);
    await expect(clock.advance(10)).rejects.toThrow('boom');
    expect(fired).toEqual(['sibling']);
    await clock.advance(10);
    expect(clock.now()).toBe(15);
  });

  it('given the same seed, when two runs schedule random timers that reschedule, then the firing traces are identical', async () => {
    const run = async (seed: number) => {
      const clock = new VirtualClock();
      const random = createSeededRandom(seed);
      const trace: string[] = [];
      for (let node = 0; node < 50; node++) {
        const fire = () => {
          trace.push(`${node}@${clock.now().toFixed(3)}`);
          if (trace.length < 2000) clock.setTimeout(fire, random.next() * 10);
        };
        clock.setTimeout(fire, random.int(10));
      }
      await clock.advance(500);
      return trace;
    };
    const a = await run(7);
    expect(a.length).toBeGreaterThan(1000);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
  });

  it('given 200 000 timers, when all fire, then they come out in non-decreasing time order', async () => {
    const clock = new VirtualClock();
    const random = createSeededRandom('heap');
    let last = -1;
    let ordered = true;
    let count = 0;
    for (let i = 0; i < 200_000; i++) {
      clock.setTimeout(() => {
        const now = clock.now();
        if (now < last) ordered = false;
        last = now;
        count++;
      }, random.int(1000));
    }
    await clock.advance(1000);
    expect(count).toBe(200_000);
    expect(ordered).toBe(true);
  });
});
