/**
 * Logging: the one levelled, structured logger seam of every layer (the transport's reports and core's alike).
 * memberlist writes to a `*log.Logger`; users asked for a pluggable levelled logger instead (memberlist#76). The
 * shape — structured fields first, message second — is the one pino uses, and `console` satisfies it too, so
 * either can be passed without an adapter. It lives here, at the bottom of the layers that log, so the transport
 * and core share it; core and the umbrella re-export it.
 */

/** A structured, levelled logger. `console`, pino and anything with these four methods fit. */
export interface Logger {
  /** Detail useful only when debugging the protocol (every probe, every merge). */
  debug(fields: Record<string, unknown>, msg: string): void;
  /** Notable but normal events (a node joined, left, was declared dead). */
  info(fields: Record<string, unknown>, msg: string): void;
  /** Something is off but the node copes (dropped malformed packet, refuted a suspicion). */
  warn(fields: Record<string, unknown>, msg: string): void;
  /** Something failed that an operator should look at (a stream could not be served). */
  error(fields: Record<string, unknown>, msg: string): void;
}

/** The four levels of {@link Logger}, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A logger that discards everything; core's default when none is configured. */
export const silentLogger: Logger = Object.freeze({
  debug(): void {},
  info(): void {},
  warn(): void {},
  error(): void {},
});

/**
 * Returns a logger that adds `fields` (for example `{ node: 'node-a' }`) to every line written through it.
 * Fields given at the call site win over the prefixed ones.
 */
export function prefixLogger(logger: Logger, fields: Record<string, unknown>): Logger {
  const fixed = { ...fields };
  return {
    debug: (f, msg) => logger.debug({ ...fixed, ...f }, msg),
    info: (f, msg) => logger.info({ ...fixed, ...f }, msg),
    warn: (f, msg) => logger.warn({ ...fixed, ...f }, msg),
    error: (f, msg) => logger.error({ ...fixed, ...f }, msg),
  };
}

/** Returns a logger that passes on only lines at `minLevel` or more severe (`console` has no level of its own). */
export function levelFilter(logger: Logger, minLevel: LogLevel): Logger {
  const min = LEVELS.indexOf(minLevel);
  const pass = (level: LogLevel): boolean => LEVELS.indexOf(level) >= min;
  return {
    debug: pass('debug') ? (f, msg) => logger.debug(f, msg) : () => {},
    info: pass('info') ? (f, msg) => logger.info(f, msg) : () => {},
    warn: pass('warn') ? (f, msg) => logger.warn(f, msg) : () => {},
    error: (f, msg) => logger.error(f, msg),
  };
}

/**
 * Writes to the console with a `[gossip]` prefix, warnings and errors only (debug and info are dropped): the
 * transport's default when it is used without a logger.
 */
export const consoleLogger: Logger = Object.freeze({
  debug(): void {},
  info(): void {},
  warn: (fields: Record<string, unknown>, msg: string): void => console.warn(`[gossip] ${msg}`, fields),
  error: (fields: Record<string, unknown>, msg: string): void => console.error(`[gossip] ${msg}`, fields),
});
