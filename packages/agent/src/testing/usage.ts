/** Test support: the message of the `ERR_USAGE` error a call throws (fails the test if it throws none). */
import { expect } from 'vitest';

/** Runs `fn`, expects an `ERR_USAGE` error, and returns its message. */
export function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toMatchObject({ code: 'ERR_USAGE' });
    return (err as Error).message;
  }
  throw new Error('expected ERR_USAGE');
}
