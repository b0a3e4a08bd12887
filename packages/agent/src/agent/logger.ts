/**
 * The command's log output: one line per event on stderr (stdout stays free for what the user asked for), as
 * text (`time LEVEL message key=value…`) or JSON Lines (`--log-json`), filtered by level; and a {@link LogHub}
 * through which `gossip monitor` follows an agent's log live, at its own level.
 */
import { type LogLevel, type Logger, levelFilter } from 'gossip';

/** Levels accepted by `--log-level`, plus `silent`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** A level accepted by `--log-level`. */
export type CliLogLevel = (typeof LOG_LEVELS)[number];

const RANK: Readonly<Record<CliLogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Whether a line at `level` passes a `min` filter. */
export function levelPasses(level: LogLevel, min: CliLogLevel): boolean {
  return RANK[level] >= RANK[min];
}

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

/** Renders one log line as text (exported for tests). */
export function formatLogLine(level: LogLevel, fields: Record<string, unknown>, msg: string, at: Date): string {
  const kv = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${kv ? ` ${kv}` : ''}`;
}

/** Fields made JSON-safe: errors as their message, bytes as their length. */
function jsonFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = v instanceof Error ? v.message : v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'bigint' ? String(v) : v;
  }
  return out;
}

/** Renders one log line as a JSON object (`--log-json`): `{ time, level, msg, ...fields }`. */
export function formatJsonLogLine(level: LogLevel, fields: Record<string, unknown>, msg: string, at: Date): string {
  try {
    return JSON.stringify({ time: at.toISOString(), level, msg, ...jsonFields(fields) });
  } catch {
    return JSON.stringify({ time: at.toISOString(), level, msg });
  }
}

/** A {@link Logger} writing to `write` (default stderr) at `level` and above, as text or JSON Lines. */
export function createCliLogger(
  level: CliLogLevel,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  format: 'text' | 'json' = 'text',
): Logger {
  if (level === 'silent') return { debug() {}, info() {}, warn() {}, error() {} };
  const render = format === 'json' ? formatJsonLogLine : formatLogLine;
  const line = (lvl: LogLevel) => (fields: Record<string, unknown>, msg: string) => write(render(lvl, fields, msg, new Date()));
  return levelFilter({ debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }, level);
}

/** One log line as `gossip monitor` receives it. */
export interface LogRecord {
  readonly time: number;
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/**
 * Fans an agent's log lines out to live subscribers (`/v1/monitor`), each at its own level, whatever the level
 * of the agent's own output. Nothing is kept: a monitor sees lines from the moment it connects.
 */
export class LogHub {
  private readonly listeners = new Set<{ min: CliLogLevel; fn: (record: LogRecord) => void }>();

  /** Wraps `base` so every line also reaches the subscribers whose level it passes. */
  tee(base: Logger): Logger {
    const at = (level: LogLevel) => (fields: Record<string, unknown>, msg: string) => {
      base[level](fields, msg);
      if (this.listeners.size === 0) return;
      const record: LogRecord = { time: Date.now(), level, msg, fields: jsonFields(fields) };
      for (const l of [...this.listeners]) if (levelPasses(level, l.min)) l.fn(record);
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }

  /** Subscribes at level `min`; returns the unsubscribe function. */
  subscribe(min: CliLogLevel, fn: (record: LogRecord) => void): () => void {
    const entry = { min, fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }
}
