import { describe, expect, it } from 'vitest';
import { addRun, emptyTiming, median, range, round1 } from './stats.js';

describe('median', () => {
  it('given an odd count, when taking the median, then the middle value is returned', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
  it('given an even count, when taking the median, then the mean of the middle two is returned', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('given no values, when taking the median, then it is undefined', () => {
    expect(median([])).toBeUndefined();
  });
});

describe('addRun', () => {
  it('given runs and a time-out, when added, then the time-out is counted apart and the median covers finished runs', () => {
    const t = emptyTiming();
    addRun(t, 100.04, true);
    addRun(t, 300, true);
    addRun(t, 99_999, false);
    expect(t).toEqual({ runsMs: [100, 300], medianMs: 200, timedOut: 1 });
  });
});

describe('range and round1', () => {
  it('given values, when asked for the range, then min and max are returned', () => {
    expect(range([3, 9, 1])).toEqual({ min: 1, max: 9 });
    expect(range([])).toBeUndefined();
  });
  it('given a value, when rounded, then one decimal is kept', () => {
    expect(round1(1.26)).toBe(1.3);
  });
});
