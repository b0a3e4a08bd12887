import type { Clock, TimerHandle } from '@gossip/transport';
import { describe, expect, it } from 'vitest';
import type { EngineContext } from './context.js';
import { noopMetrics } from './metrics.js';
import { MAX_TURN_BUDGET_MS, TURN_BUDGET_MS, clockLagMs, loopLagMs, runSteps } from './steps.js';

/** A clock whose time stands still during work and moves `turnMs` on every yield, as a busy event loop's turn does. */
class TurnClock implements Clock {
  private t = 0;
  constructor(public turnMs: number) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    setImmediate(() => {
      this.t += Math.max(delayMs, this.turnMs);
      fn();
    });
    return undefined;
  }
  clearTimeout(): void {}
  /** Time passing outside any frame's work. */
  skip(ms: number): void {
    this.t += ms;
  }
}

const ctxWith = (clock: Clock): EngineContext => ({ clock, metrics: noopMetrics, shuttingDown: false }) as unknown as EngineContext;

/** Runs 1,000 units with a share of 64 per turn on `ctx` and returns how many units each turn did. */
async function unitsPerTurn(clock: TurnClock, ctx: EngineContext = ctxWith(clock)): Promise<number[]> {
  const turns: number[] = [];
  let left = 1000;
  let lastTurnAt = -1;
  await runSteps(
    ctx,
    (amount) => {
      if (clock.now() !== lastTurnAt) {
        turns.push(0);
        lastTurnAt = clock.now();
      }
      const n = Math.min(amount, left);
      turns[turns.length - 1]! += n;
      left -= n;
      return left === 0;
    },
    64,
  );
  return turns;
}

describe('runSteps', () => {
  it('given short event-loop turns, when 1,000 units run with a share of 64, then every turn does its share', async () => {
    const turns = await unitsPerTurn(new TurnClock(1));
    expect(turns.slice(0, -1).every((n) => n === 64)).toBe(true);
    expect(turns.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('given turns of 100 ms, when the same units run, then after the first turn each does the share of 5 ms (5% of a turn)', async () => {
    const turns = await unitsPerTurn(new TurnClock(100));
    expect(turns[0]).toBe(64);
    expect(turns.slice(1, -1).every((n) => n === 80)).toBe(true);
  });

  it('given turns of a second (a saturated event loop), when the same units run, then after the first turn each does the share of the 50 ms cap', async () => {
    const turns = await unitsPerTurn(new TurnClock(1000));
    expect(turns).toEqual([64, 800, 136]);
    expect(TURN_BUDGET_MS * (800 / 64)).toBe(MAX_TURN_BUDGET_MS);
  });

  it('given a node whose last yield took a second, when its next frame runs at once, then its first turn already does the larger share', async () => {
    const clock = new TurnClock(1000);
    const ctx = ctxWith(clock);
    await unitsPerTurn(clock, ctx);
    expect(await unitsPerTurn(clock, ctx)).toEqual([800, 200]);
  });

  it('given that measurement is older than twice its length, when the next frame runs, then it starts from the base share again', async () => {
    const clock = new TurnClock(1000);
    const ctx = ctxWith(clock);
    await unitsPerTurn(clock, ctx);
    clock.skip(2001);
    clock.turnMs = 1;
    const turns = await unitsPerTurn(clock, ctx);
    expect(turns.slice(0, -1).every((n) => n === 64)).toBe(true);
  });
});

describe('loopLagMs', () => {
  it('given a node that never yielded, then its lag is 0', () => {
    expect(loopLagMs(ctxWith(new TurnClock(1000)))).toBe(0);
  });

  it('given yields of a second, then the lag is a second, until twice that has passed without a yield', async () => {
    const clock = new TurnClock(1000);
    const ctx = ctxWith(clock);
    await unitsPerTurn(clock, ctx);
    expect(loopLagMs(ctx)).toBe(1000);
    clock.skip(2000);
    expect(loopLagMs(ctx)).toBe(1000);
    clock.skip(1);
    expect(loopLagMs(ctx)).toBe(0);
  });

  it('given a second node on the same clock (one process, one event loop), then its clock lag is what the first measured, its own lag 0', async () => {
    const clock = new TurnClock(1000);
    const first = ctxWith(clock);
    const second = ctxWith(clock);
    await unitsPerTurn(clock, first);
    expect(clockLagMs(second)).toBe(1000);
    expect(loopLagMs(second)).toBe(0);
    expect(clockLagMs(ctxWith(new TurnClock(1000)))).toBe(0);
  });
});
