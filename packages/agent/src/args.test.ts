import { describe, expect, it } from 'vitest';
import { parseDuration, parseHostPort, parseSeeds } from './args.js';
import { parseAgentArgs } from './commands/agent.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toMatchObject({ code: 'ERR_USAGE' });
    return (err as Error).message;
  }
  throw new Error('expected ERR_USAGE');
}

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

  it('given a full agent command line, then every flag is parsed', () => {
    const key = Buffer.alloc(16, 7).toString('base64');
    expect(
      parseAgentArgs(['--name', 'a', '--bind', '127.0.0.1:7946', '--join', '127.0.0.1:7947', '--http', '127.0.0.1:0', '--key', key, '--label', 'prod', '--preset', 'local']),
    ).toMatchObject({ name: 'a', bind: '127.0.0.1:7946', join: ['127.0.0.1:7947'], http: '127.0.0.1:0', keys: [key], label: 'prod', preset: 'local', logLevel: 'info' });
  });

  it.each([
    [['--bind', '127.0.0.1:1'], /--name is required/],
    [['--name', 'a'], /--bind is required/],
    [['--name', 'a', '--bind', '127.0.0.1:1', '--key', 'c2hvcnQ='], /AES key of 16, 24 or 32 bytes/],
    [['--name', 'a', '--bind', '127.0.0.1:1', '--preset', 'fast'], /--preset must be one of lan, wan, local/],
    [['--name', 'a', '--bind', '127.0.0.1:1', '--bogus'], /Unknown option '--bogus'/],
    [['--name', 'a', '--bind', '127.0.0.1:1', 'stray'], /Unexpected argument 'stray'/],
    [['--name'], /argument missing/],
  ])('given bad agent flags %j, then ERR_USAGE says what is wrong', (argv, expected) => {
    expect(usage(() => parseAgentArgs(argv))).toMatch(expected);
  });
});
