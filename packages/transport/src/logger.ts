/** Where transports report operator-relevant events (dropped input, socket errors). */
export interface TransportLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Writes warnings and errors to the console with a `[gossip/transport]` prefix; debug is dropped. */
export const consoleLogger: TransportLogger = {
  warn: (message, fields) => console.warn(`[gossip/transport] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[gossip/transport] ${message}`, fields ?? ''),
};

/** Discards everything (for callers that count instead of log). */
export const silentLogger: TransportLogger = { warn: () => undefined, error: () => undefined };
