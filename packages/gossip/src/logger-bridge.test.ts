import { describe, expect, it } from 'vitest';
import type { Logger } from '@gossip/core';
import { transportLoggerFor } from './logger-bridge.js';

describe('transportLoggerFor', () => {
  it('given a core logger, when the transport reports, then lines arrive fields-first and tagged with the layer', () => {
    const lines: [string, Record<string, unknown>, string][] = [];
    const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push([level, fields, msg]);
    const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const bridge = transportLoggerFor(logger);

    bridge.warn('datagram too large', { size: 70_000 });
    bridge.error('UDP socket error');
    bridge.debug?.('detail', { layer: 'custom' });

    expect(lines).toEqual([
      ['warn', { layer: 'transport', size: 70_000 }, 'datagram too large'],
      ['error', { layer: 'transport' }, 'UDP socket error'],
      ['debug', { layer: 'custom' }, 'detail'],
    ]);
  });
});
