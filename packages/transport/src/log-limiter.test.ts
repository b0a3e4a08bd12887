import { describe, expect, it } from 'vitest';
import { LogRateLimiter } from './log-limiter.js';
import type { Logger } from './logger.js';
import { VirtualClock } from './virtual-clock.js';

type Line = { fields: Record<string, unknown>; msg: string };

const setup = (burst = 3, intervalMs = 1000): { clock: VirtualClock; limiter: LogRateLimiter; lines: Line[] } => {
  const lines: Line[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (fields, msg) => lines.push({ fields, msg }),
    error: () => undefined,
  };
  const clock = new VirtualClock();
  return { clock, lines, limiter: new LogRateLimiter(logger, clock, { burst, intervalMs }) };
};

describe('LogRateLimiter', () => {
  it('given a flood of one key, when it lasts three windows, then the burst is written, then one summary per window with the count', async () => {
    const { clock, limiter, lines } = setup();
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < 100; i++) limiter.warn('packet:ERR_LZW', { from: `10.0.0.${t}:1`, i }, 'dropped packet');
      await clock.advance(1000);
    }
    expect(lines.map((l) => l.msg)).toEqual([
      'dropped packet',
      'dropped packet',
      'dropped packet',
      '97 more like this suppressed in the last 1000 ms: dropped packet',
      '100 more like this suppressed in the last 1000 ms: dropped packet',
      '100 more like this suppressed in the last 1000 ms: dropped packet',
    ]);
    expect(lines[3]!.fields).toMatchObject({ suppressed: 97, from: '10.0.0.0:1', i: 99 });
  });

  it('given two keys, when both flood, then each has its own burst and summary', async () => {
    const { clock, limiter, lines } = setup(1);
    for (let i = 0; i < 10; i++) {
      limiter.warn('a', {}, 'A');
      limiter.warn('b', {}, 'B');
    }
    await clock.advance(1000);
    expect(lines.map((l) => l.msg)).toEqual([
      'A',
      'B',
      '9 more like this suppressed in the last 1000 ms: A',
      '9 more like this suppressed in the last 1000 ms: B',
    ]);
  });

  it('given a flood that stopped, when a whole quiet window has passed, then the next occurrences are written in full again', async () => {
    const { clock, limiter, lines } = setup(2);
    for (let i = 0; i < 5; i++) limiter.warn('k', {}, 'x');
    await clock.advance(1000); // summary of 3
    await clock.advance(1000); // a quiet window ends the flood
    limiter.warn('k', {}, 'y');
    limiter.warn('k', {}, 'y');
    expect(lines.map((l) => l.msg)).toEqual(['x', 'x', '3 more like this suppressed in the last 1000 ms: x', 'y', 'y']);
  });

  it('given occurrences below the burst spread over time, then all are written and no timer is ever armed', async () => {
    const { clock, limiter, lines } = setup(2);
    for (let i = 0; i < 6; i++) {
      limiter.warn('k', {}, `line ${i}`);
      await clock.advance(600);
    }
    // Windows roll over lazily: at most two lines per 1000 ms, and these never exceed that.
    expect(lines.length).toBe(6);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('given pending suppressed lines, when closed, then their summary is written and no timer is left', async () => {
    const { clock, limiter, lines } = setup(1);
    for (let i = 0; i < 4; i++) limiter.warn('k', {}, 'x');
    limiter.close();
    expect(lines.map((l) => l.msg)).toEqual(['x', '3 more like this suppressed in the last 1000 ms: x']);
    expect(clock.pendingTimers()).toBe(0);
  });
});
