import { describe, expect, it } from 'vitest';
import { createSystemClock, systemClock } from './system-clock.js';

describe('systemClock', () => {
  it('given a timer, when it fires, then now() has advanced monotonically by at least the delay', async () => {
    const start = systemClock.now();
    const firedAt = await new Promise<number>((resolve) => systemClock.setTimeout(() => resolve(systemClock.now()), 20));
    expect(firedAt - start).toBeGreaterThanOrEqual(19); // timers may round to the millisecond
  });

  it('given a cleared timer, when its time passes, then it never runs', async () => {
    let ran = false;
    const handle = systemClock.setTimeout(() => (ran = true), 5);
    systemClock.clearTimeout(handle);
    // Timers run in deadline order: once a timer due after it has fired, the cleared one's time has passed.
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 20));
    expect(ran).toBe(false);
  });

  it('given unrefTimers, when a timer is scheduled, then it does not keep the process alive; by default it does', () => {
    const unref = createSystemClock({ unrefTimers: true });
    const a = unref.setTimeout(() => undefined, 1000) as NodeJS.Timeout;
    const b = systemClock.setTimeout(() => undefined, 1000) as NodeJS.Timeout;
    expect(a.hasRef()).toBe(false);
    expect(b.hasRef()).toBe(true);
    unref.clearTimeout(a);
    systemClock.clearTimeout(b);
  });
});
