/**
 * One logger for the whole node: core logs `(fields, message)` like pino, the transport logs
 * `(message, fields)`. This bridges the transport's reports (dropped datagrams, socket errors) into the core
 * logger so an application configures logging once.
 */
import type { Logger } from '@gossip/core';
import type { TransportLogger } from '@gossip/transport';

/** A {@link TransportLogger} writing into `logger`, tagged `{ layer: 'transport' }`. */
export function transportLoggerFor(logger: Logger): TransportLogger {
  return {
    debug: (message, fields) => logger.debug({ layer: 'transport', ...fields }, message),
    warn: (message, fields) => logger.warn({ layer: 'transport', ...fields }, message),
    error: (message, fields) => logger.error({ layer: 'transport', ...fields }, message),
  };
}
