import { describe, expect, it } from 'vitest';
import { createCliLogger, formatLogLine } from './logger.js';

describe('CLI logger', () => {
  it('given fields, then a line is time, padded level, message and key=value pairs (quoted when needed)', () => {
    const line = formatLogLine('warn', { node: 'a', addr: '127.0.0.1:1', err: new Error('bad thing'), n: 3, skip: undefined }, 'dropped', new Date(0));
    expect(line).toBe('1970-01-01T00:00:00.000Z WARN  dropped node=a addr=127.0.0.1:1 err="bad thing" n=3');
  });

  it('given a level, then less severe lines are dropped; silent drops everything', () => {
    const lines: string[] = [];
    const log = createCliLogger('warn', (l) => lines.push(l));
    log.info({}, 'hidden');
    log.warn({}, 'shown');
    log.error({}, 'shown too');
    createCliLogger('silent', (l) => lines.push(l)).error({}, 'never');
    expect(lines.map((l) => l.slice(25))).toEqual(['WARN  shown', 'ERROR shown too']);
  });
});
