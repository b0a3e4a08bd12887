import { describe, expect, it } from 'vitest';
import { LogHub, createCliLogger, formatLogLine } from './logger.js';

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

  it('given --log-json, then each line is one JSON object with time, level, msg and JSON-safe fields', () => {
    const lines: string[] = [];
    createCliLogger('info', (l) => lines.push(l), 'json').warn({ peer: 'b', err: new Error('boom'), bytes: new Uint8Array(3) }, 'dropped');
    expect(JSON.parse(lines[0] ?? '')).toEqual({ time: expect.stringMatching(/^\d{4}-/), level: 'warn', msg: 'dropped', peer: 'b', err: 'boom', bytes: '<3 bytes>' });
  });

  it('given a LogHub, then every subscriber gets the lines at or above its own level, whatever the base logger shows', () => {
    const hub = new LogHub();
    const base: string[] = [];
    const log = hub.tee(createCliLogger('error', (l) => base.push(l)));
    const debug: string[] = [];
    const warn: string[] = [];
    hub.subscribe('debug', (r) => debug.push(r.msg));
    const off = hub.subscribe('warn', (r) => warn.push(r.msg));
    log.debug({}, 'd');
    log.warn({}, 'w');
    off();
    log.error({}, 'e');
    expect(debug).toEqual(['d', 'w', 'e']);
    expect(warn).toEqual(['w']);
    expect(base.map((l) => l.slice(25))).toEqual(['ERROR e']);
  });
});
