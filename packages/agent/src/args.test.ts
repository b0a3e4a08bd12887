import { describe, expect, it } from 'vitest';
import { parseDuration, parseHostPort, parseSeeds } from './args.js';
import { usageMessage as usage } from './testing/usage.js';

describe('argument parsing', () => {
  it('given durations in ms, s, m, h or bare seconds, then they convert to ms; 0 and forever mean no limit', () => {
    expect(parseDuration('d', '500ms')).toBe(500);
    expect(parseDuration('d', '20s')).toBe(20_000);
    expect(parseDuration('d', '1.5m')).toBe(90_000);
    expect(parseDuration('d', '1h')).toBe(3_600_000);
    expect(parseDuration('d', '45')).toBe(45_000);
    expect(parseDuration('d', '0')).toBe(0);
    expect(parseDuration('d', 'forever')).toBe(0);
    expect(usage(() => parseDuration('duration', 'soon'))).toMatch(/--duration must be a duration/);
  });

  it('given ip:port forms, then valid ones pass and host names or bad ports are refused', () => {
    expect(parseHostPort('bind', '127.0.0.1:7946')).toBe('127.0.0.1:7946');
    expect(parseHostPort('bind', '[::1]:0')).toBe('[::1]:0');
    expect(usage(() => parseHostPort('bind', 'localhost:7946'))).toMatch(/--bind must be ip:port/);
    expect(usage(() => parseHostPort('bind', '127.0.0.1:70000'))).toMatch(/port/);
    expect(usage(() => parseHostPort('http', '127.0.0.1:0', false))).toMatch(/port must be 1/);
  });

  it('given --join values, then commas and repeats combine and host names are allowed', () => {
    expect(parseSeeds('join', ['a.local:1,127.0.0.1:2', '[::1]:3'])).toEqual(['a.local:1', '127.0.0.1:2', '[::1]:3']);
    expect(usage(() => parseSeeds('join', ['nohost']))).toMatch(/host:port/);
  });
});
