import { describe, expect, it } from 'vitest';
import { pushPullScale } from './gossiper.js';

describe('pushPullScale', () => {
  it.each([
    [1, 30_000],
    [32, 30_000],
    [33, 60_000],
    [64, 60_000],
    [65, 90_000],
    [128, 90_000],
    [129, 120_000],
    [1000, 180_000],
  ])('given %i nodes and a 30 s base, then the interval is %i ms (memberlist §9.6)', (n, want) => {
    expect(pushPullScale(30_000, n)).toBe(want);
  });
});
