import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Logger } from './logger.js';
import { levelFilter, prefixLogger, silentLogger } from './logger.js';

type Line = [level: string, fields: Record<string, unknown>, msg: string];

const recorder = (): { logger: Logger; lines: Line[] } => {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      debug: (f, m) => lines.push(['debug', f, m]),
      info: (f, m) => lines.push(['info', f, m]),
      warn: (f, m) => lines.push(['warn', f, m]),
      error: (f, m) => lines.push(['error', f, m]),
    },
  };
};

describe('Logger', () => {
  it('given the console, then it is a Logger without an adapter', () => {
    expectTypeOf(console).toExtend<Logger>();
    const asLogger: Logger = console;
    expect(typeof asLogger.warn).toBe('function');
  });

  it('given a pino-shaped logger (obj, msg), then it is a Logger', () => {
    type PinoLike = { [L in 'debug' | 'info' | 'warn' | 'error']: (obj: object, msg?: string, ...args: unknown[]) => void };
    expectTypeOf<PinoLike>().toExtend<Logger>();
  });

  it('given the silent logger, then every level discards the line', () => {
    expect(() => {
      silentLogger.debug({ a: 1 }, 'x');
      silentLogger.error({}, 'y');
    }).not.toThrow();
  });

  it('given a prefix, then every line carries its fields and call-site fields win', () => {
    const { logger, lines } = recorder();
    const log = prefixLogger(logger, { node: 'node-a', part: 'probe' });
    log.info({ target: 'node-b' }, 'probing');
    log.error({ part: 'gossip' }, 'boom');
    expect(lines).toEqual([
      ['info', { node: 'node-a', part: 'probe', target: 'node-b' }, 'probing'],
      ['error', { node: 'node-a', part: 'gossip' }, 'boom'],
    ]);
  });

  it('given a minimum level, then less severe lines are dropped', () => {
    const { logger, lines } = recorder();
    const log = levelFilter(logger, 'warn');
    log.debug({}, 'd');
    log.info({}, 'i');
    log.warn({}, 'w');
    log.error({}, 'e');
    expect(lines.map((l) => l[0])).toEqual(['warn', 'error']);
  });
});
