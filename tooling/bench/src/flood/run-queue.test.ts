import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunQueueWait } from './run-queue.js';

describe('RunQueueWait', () => {
  it('given the kernel reports schedstat, when read twice around some work, then the wait is a finite number that never goes down', () => {
    const wait = new RunQueueWait();
    try {
      expect(wait.available).toBe(existsSync('/proc/thread-self/schedstat'));
      const before = wait.ms();
      let x = 0;
      for (let i = 0; i < 1e6; i++) x += i;
      const after = wait.ms();
      expect(x).toBeGreaterThan(0);
      expect(Number.isFinite(before)).toBe(true);
      expect(before).toBeGreaterThanOrEqual(0);
      expect(after).toBeGreaterThanOrEqual(before);
    } finally {
      wait.close();
    }
  });
});
