/**
 * The command's log output: one line per event on stderr (stdout stays free for what the user asked for),
 * `time LEVEL message key=value…`, filtered by level.
 */
import { type LogLevel, type Logger, levelFilter } from 'gossip';

/** Levels accepted by `--log-level`, plus `silent`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** A level accepted by `--log-level`. */
export type CliLogLevel = (typeof LOG_LEVELS)[number];

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /^[\w.:/@-]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Renders one log line (exported for tests). */
export function formatLogLine(level: LogLevel, fields: Record<string, unknown>, msg: string, at: Date): string {
  const kv = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${kv ? ` ${kv}` : ''}`;
}

/** A {@link Logger} writing to `write` (default stderr) at `level` and above. */
export function createCliLogger(level: CliLogLevel, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  if (level === 'silent') return { debug() {}, info() {}, warn() {}, error() {} };
  const line = (lvl: LogLevel) => (fields: Record<string, unknown>, msg: string) =>
    write(formatLogLine(lvl, fields, msg, new Date()));
  return levelFilter({ debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }, level);
}
