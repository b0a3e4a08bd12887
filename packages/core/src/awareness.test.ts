import { describe, expect, it } from 'vitest';
import { Awareness } from './awareness.js';
import { MemoryMetrics, MetricNames } from './metrics.js';

describe('Awareness', () => {
  it('given a new node, then it is healthy and timeouts are unscaled', () => {
    const a = new Awareness(8);
    expect(a.getHealthScore()).toBe(0);
    expect(a.scaleTimeout(500)).toBe(500);
  });

  it('given failures, when deltas accumulate, then the score is clamped to max − 1 and scales timeouts by score + 1', () => {
    const a = new Awareness(8);
    a.applyDelta(3);
    expect(a.scaleTimeout(1000)).toBe(4000);
    a.applyDelta(100);
    expect(a.getHealthScore()).toBe(7);
    expect(a.scaleTimeout(1000)).toBe(8000);
  });

  it('given successes, when the score would go negative, then it stays at zero', () => {
    const a = new Awareness(8);
    a.applyDelta(2);
    a.applyDelta(-5);
    expect(a.getHealthScore()).toBe(0);
  });

  it('given max 1 (Lifeguard awareness off), then the score never moves', () => {
    const a = new Awareness(1);
    a.applyDelta(5);
    expect(a.getHealthScore()).toBe(0);
    expect(a.scaleTimeout(1000)).toBe(1000);
  });

  it('given a metrics sink, then the health gauge is set only when the score changes', () => {
    const calls: number[] = [];
    const m = new MemoryMetrics();
    const a = new Awareness(3, {
      incrCounter: () => {},
      addSample: () => {},
      setGauge: (key, v) => {
        m.setGauge(key, v);
        calls.push(v);
      },
    });
    a.applyDelta(-1);
    a.applyDelta(1);
    a.applyDelta(5);
    a.applyDelta(1);
    expect(calls).toEqual([1, 2]);
    expect(m.gauge(MetricNames.healthScore)).toBe(2);
  });
});
