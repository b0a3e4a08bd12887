import { describe, expect, it } from 'vitest';
import type { ClusterReport, IdleReport } from './report-types.js';
import { type IdlePair, fpRows, idleRows, ratioOf, timedRows, timingCell } from './rows.js';

function report(over: Partial<ClusterReport>): ClusterReport {
  return { implementation: 'x', n: 8, preset: 'lan', reps: 3, wallSeconds: 1, ...over };
}

const idle = (cpu: number, bytes: number, heap: number): IdleReport => ({
  windowSeconds: 20,
  cpuMsPerNodePerSecond: cpu,
  udpPacketsPerNodePerSecond: 2,
  udpBytesPerNodePerSecond: bytes,
  tcpBytesPerNodePerSecond: 0,
  bytesPerNodePerSecond: bytes,
  heapBytesPerNode: heap,
  heapBaselineBytes: 0,
  totals: { udpPackets: 0, udpBytes: 0, tcpBytes: 0, tcpDials: 0 },
});

describe('timingCell', () => {
  it('given a timed-out run, when summarised, then it counts as the slowest run of the median', () => {
    const c = timingCell({ runsMs: [100, 200], medianMs: 150, timedOut: 1 });
    expect(c).toMatchObject({ median: 200, min: 100, max: Infinity, runs: 3, timedOut: 1 });
  });
});

describe('ratioOf', () => {
  it('given a zero or missing Go value, when a ratio is asked, then there is none', () => {
    expect(ratioOf(1, 0)).toBeNull();
    expect(ratioOf(null, 1)).toBeNull();
    expect(ratioOf(3, 2)).toBe(1.5);
  });
});

describe('timedRows', () => {
  it('given TS faster than Go but with a long tail, when judged, then speed is met and the tail is not', () => {
    const ts = report({ join: { convergence: { runsMs: [100, 100, 900], medianMs: 100, timedOut: 0 } } });
    const go = report({ join: { convergence: { runsMs: [400, 400, 400], medianMs: 400, timedOut: 0 } } });
    const [join, tail] = timedRows(ts, go);
    expect(join).toMatchObject({ ratio: 0.25, met: true });
    expect(tail).toMatchObject({ ts: { median: 9 }, go: { median: 1 }, met: false });
  });

  it('given Go timed out where TS finished, when judged, then TS meets the target', () => {
    const ts = report({ leave: { allLeft: { runsMs: [300], medianMs: 300, timedOut: 0 } } });
    const go = report({ leave: { allLeft: { runsMs: [], medianMs: null, timedOut: 1 } } });
    const leave = timedRows(ts, go).find((r) => r.metric.startsWith('leave'));
    expect(leave).toMatchObject({ ratio: null, met: true });
  });
});

describe('idleRows', () => {
  it('given CPU, bytes and heap, when judged, then each is held to its own bound', () => {
    const rows = idleRows(report({ idle: idle(1.4, 100, 300) }), report({ idle: idle(1, 90, 100) }));
    expect(rows.map((r) => [r.metric, r.met])).toEqual([
      ['idle CPU (one window each)', true],
      ['idle bytes sent (UDP+TCP)', false],
      ['idle UDP bytes sent', null],
      ['idle UDP packets sent', null],
      ['heap per node: whole process after GC ÷ N', false],
      ['heap per node: the cluster over the process before it (after GC)', null],
      ['heap per node: a second cluster beside the first (after GC)', null],
    ]);
  });

  it('given three alternated pairs, then idle CPU is the median of the per-pair ratios, with their range', () => {
    const pair = (t: number, g: number, first: 'go' | 'ts'): IdlePair => ({
      ts: idle(t, 1, 1),
      go: idle(g, 1, 1),
      load: { go: 1, ts: 1 },
      first,
    });
    const pairs = [pair(1.3, 1, 'go'), pair(0.96, 1, 'ts'), pair(2.22, 2, 'go')];
    const [cpu] = idleRows(report({ idle: idle(9, 1, 1) }), report({ idle: idle(1, 1, 1) }), pairs);
    expect(cpu?.metric).toBe('idle CPU (median of 3 alternated Go/TS pairs, pair ratios 0.96–1.30)');
    expect(cpu?.ratio).toBeCloseTo(1.11);
    expect(cpu?.ts).toEqual({ median: 1.3, min: 0.96, max: 2.22, runs: 3 });
    expect(cpu?.met).toBe(true);
  });

  it('given a heap baseline, then the whole-process row adds the baseline shared out over N', () => {
    const ts = report({ idle: { ...idle(1, 1, 100), heapBaselineBytes: 8 * 1000 } });
    const go = report({ idle: idle(1, 1, 100) });
    const whole = idleRows(ts, go).find((r) => r.metric.startsWith('heap per node: whole'));
    expect(whole?.ts.median).toBe(100 + 8000 / ts.n);
  });
});

describe('fpRows', () => {
  it('given a healthy window with one false accusation, when judged, then the zero target is not met', () => {
    const w = {
      accusations: 1,
      falseAccusations: 1,
      accusationsBySlow: 0,
      accusationsOfSlow: 0,
      refutations: 1,
      healthyDeclaredDead: [],
      healthyDeaths: 0,
      slowDeclaredDeadBy: 0,
    };
    const fp = { windowSeconds: 60, slowNode: 'node-001', slowDelay: '', healthy: w, slowed: w };
    const rows = fpRows(report({ fp }), report({ fp }));
    expect(rows[0]).toMatchObject({ metric: 'healthy: false accusations', met: false });
    expect(rows[1]).toMatchObject({ metric: 'healthy: healthy nodes declared dead', met: true });
  });
});
