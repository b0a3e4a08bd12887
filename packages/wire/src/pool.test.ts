import { describe, expect, it } from 'vitest';
import { allocOutput } from './pool.js';

describe('allocOutput', () => {
  it('given many small allocations, when written, then no two results share bytes', () => {
    const arrays = Array.from({ length: 500 }, (_, i) => allocOutput(65 + (i % 300)));
    arrays.forEach((a, i) => a.fill(i & 0xff));
    arrays.forEach((a, i) => expect(a.every((b) => b === (i & 0xff))).toBe(true));
  });

  it('given sizes up to 64 bytes or over 2 KiB, when allocated, then each gets its own buffer', () => {
    for (const n of [0, 1, 64, 2049, 100_000]) {
      const a = allocOutput(n);
      expect(a.length).toBe(n);
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(n);
    }
  });

  it('given a pooled allocation, when created, then it is zero-filled', () => {
    expect(allocOutput(200).every((b) => b === 0)).toBe(true);
  });
});
