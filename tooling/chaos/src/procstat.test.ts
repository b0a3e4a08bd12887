import { describe, expect, it } from 'vitest';
import { sampleProcess, summarise } from './procstat.js';

describe('per-host cost from /proc', () => {
  it('given this process, when sampled, then it has CPU ticks and a resident size', () => {
    const s = sampleProcess(process.pid);
    expect(s).toBeDefined();
    expect(s!.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(s!.ticks).toBeGreaterThanOrEqual(0);
  });

  it('given readings 10 s apart, then CPU is a percentage of one core and processes gone at the end are left out', () => {
    const before = new Map([
      [1, { ticks: 100, rssBytes: 10 * 1024 * 1024 }],
      [2, { ticks: 0, rssBytes: 30 * 1024 * 1024 }],
      [3, { ticks: 0, rssBytes: 1 }],
    ]);
    const after = new Map([
      [1, { ticks: 150, rssBytes: 20 * 1024 * 1024 }],
      [2, { ticks: 100, rssBytes: 40 * 1024 * 1024 }],
    ]);
    expect(summarise(before, after, 10, 100)).toEqual({ hosts: 2, cpuMeanPct: 7.5, cpuMaxPct: 10, rssMeanMiB: 30, rssMaxMiB: 40 });
  });
});
