import type { Clock, TimerHandle } from '@gossip/transport';
import { describe, expect, it } from 'vitest';
import type { EngineContext } from './context.js';
import { noopMetrics } from './metrics.js';
import { runSteps } from './steps.js';

/** A clock whose time stands still during work and moves `turnMs` on every yield, as a busy event loop's turn does. */
class TurnClock implements Clock {
  private t = 0;
  constructor(private readonly turnMs: number) {}
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
}

const ctxWith = (clock: Clock): EngineContext => ({ clock, metrics: noopMetrics, shuttingDown: false }) as unknown as EngineContext;

/** Runs 1,000 units with a share of 64 per turn and returns how many units each turn did. */
async function unitsPerTurn(turnMs: number): Promise<number[]> {
  const clock = new TurnClock(turnMs);
  const turns: number[] = [];
  let left = 1000;
  let lastTurnAt = -1;
  await runSteps(
    ctxWith(clock),
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
    const turns = await unitsPerTurn(1);
    expect(turns.slice(0, -1).every((n) => n === 64)).toBe(true);
    expect(turns.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('given turns of 100 ms (a saturated event loop), when the same units run, then after the first turn each does 2.5 shares', async () => {
    const turns = await unitsPerTurn(100);
    expect(turns[0]).toBe(64);
    expect(turns.slice(1, -1).every((n) => n === 160)).toBe(true);
    expect(turns.length).toBeLessThan(1000 / 64);
  });
});
