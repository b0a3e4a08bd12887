import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, delay, eventually, waitFor, waitUntil } from './wait.js';

describe('eventually', () => {
  it('given a condition that becomes true on the third check, then it resolves with the value it returned', async () => {
    let checks = 0;
    const value = await eventually('the third check', 5_000, () => (++checks === 3 ? { checks } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ checks: 3 });
  });

  it('given a check that throws until it passes, then the throws count as "not yet"', async () => {
    let checks = 0;
    await eventually('an assertion that passes the second time', 5_000, () => {
      checks++;
      expect(checks).toBe(2);
      return true;
    }, { intervalMs: 1 });
    expect(checks).toBe(2);
  });

  it('given a condition that never holds, then it fails with a typed error naming what it waited for and the last error', async () => {
    const failure = await eventually('the moon to turn blue', 30, () => {
      throw new Error('still white');
    }, { intervalMs: 5 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WaitTimeoutError);
    expect(failure).toMatchObject({
      code: 'ERR_WAIT_TIMEOUT',
      timeoutMs: 30,
      message: 'timed out after 30 ms waiting for: the moon to turn blue (last error: still white)',
    });
  });

  it('given an aborted signal, then it rejects with the signal reason instead of waiting out the bound', async () => {
    const controller = new AbortController();
    controller.abort(new Error('test over'));
    await expect(eventually('never', 60_000, () => false, { signal: controller.signal })).rejects.toThrow('test over');
  });
});

describe('waitFor', () => {
  it('given a condition that turns true, then it resolves; given one that never does, then it fails naming it', async () => {
    let flag = false;
    setTimeout(() => (flag = true), 1);
    await waitFor(() => flag, 5_000);
    await expect(waitFor(() => false, 20, 'a flag that stays down')).rejects.toThrow(
      'timed out after 20 ms waiting for: a flag that stays down',
    );
  });
});

describe('waitUntil', () => {
  it('given a condition that holds, then it answers true; given one that never does, false once the bound passes', async () => {
    let flag = false;
    queueMicrotask(() => (flag = true));
    expect(await waitUntil(5_000, () => flag, 1)).toBe(true);
    expect(await waitUntil(20, () => false, 1)).toBe(false);
  });
});

describe('delay', () => {
  it('given a signal aborted while waiting, then it rejects with the reason', async () => {
    const controller = new AbortController();
    const pending = delay(60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
  });
});
