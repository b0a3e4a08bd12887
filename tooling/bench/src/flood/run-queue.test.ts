import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunQueueWait } from './run-queue.js';

/** The run-queue wait (ms) as the kernel prints it for this thread, read independently of the class under test. */
function kernelWaitMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]) / 1e6;
}

describe('RunQueueWait', () => {
  it.runIf(existsSync('/proc/thread-self/schedstat'))(
    'given Linux schedstat, when read between two direct reads of the file, then it is the wait field (second), in ms, between them',
    () => {
      const wait = new RunQueueWait();
      try {
        expect(wait.available).toBe(true);
        for (let i = 0; i < 5; i++) {
          const low = kernelWaitMs();
          const read = wait.ms();
          const high = kernelWaitMs();
          expect(read).toBeGreaterThanOrEqual(low);
          expect(read).toBeLessThanOrEqual(high);
        }
      } finally {
        wait.close();
      }
    },
  );

  it('given a closed reader, when read, then it is unavailable and reads 0', () => {
    const wait = new RunQueueWait();
    wait.close();
    expect(wait.available).toBe(false);
    expect(wait.ms()).toBe(0);
  });
});
