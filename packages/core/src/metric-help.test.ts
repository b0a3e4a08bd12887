import { describe, expect, it } from 'vitest';
import { metricHelp, metricUnit } from './metric-help.js';
import { MetricNames } from './metrics.js';

describe('metricHelp', () => {
  it('given every key a node emits, then each has its own one-line sentence', () => {
    const sentences = Object.values(MetricNames).map((key) => metricHelp(key));
    for (const help of sentences) {
      expect(help).toMatch(/^[A-Z].*\.$/);
      expect(help).not.toContain('\n');
      expect(help).not.toMatch(/^gossip metric /);
    }
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('given a key of its own (an application metric), then a generic line names it', () => {
    expect(metricHelp(['app', 'kv', 'writes'])).toBe('gossip metric app.kv.writes.');
  });
});

describe('metricUnit', () => {
  it('given durations and byte counts, then ms and By; given counts, scores or unknown keys, then none', () => {
    expect(metricUnit(MetricNames.probeNode)).toBe('ms');
    expect(metricUnit(MetricNames.udpSent)).toBe('By');
    expect(metricUnit(MetricNames.msgAlive)).toBeUndefined();
    expect(metricUnit(['app', 'x'])).toBeUndefined();
  });
});
