/**
 * Command-line parsing on top of node:util `parseArgs`: strict (unknown flags and stray arguments are errors),
 * with validators for the value shapes the command takes. Every problem is a `DemoError` with code `ERR_USAGE`,
 * which the CLI prints with a pointer to `--help` and exit status 2.
 */
import { isIP } from 'node:net';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DemoError } from './errors.js';

/** Exit status for a bad command line: 2, as POSIX utilities and most CLIs use. */
export const EXIT_USAGE = 2;

/** Throws an `ERR_USAGE` error. */
export function usageError(message: string): never {
  throw new DemoError('ERR_USAGE', message);
}

/** Flag definitions as parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/** Values parsed for the flag definitions `O`. */
export type ParsedFlags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/** Parses `argv` strictly against `options`; no positionals allowed. */
export function parseFlags<O extends Options>(argv: readonly string[], options: O): ParsedFlags<O> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return usageError(message.replace(/\. To specify a positional argument.*$/s, '').replace(/^TypeError \[\w+\]: /, ''));
  }
}

/** Parses `argv` strictly against `options`, with positional arguments (returned in order). */
export function parseFlagsAndArgs<O extends Options>(argv: readonly string[], options: O): { values: ParsedFlags<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return usageError(message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

/** Validates `ip:port` (`[v6]:port`), port 0…65535 (0 = any free port when `allowZero`). */
export function parseHostPort(flag: string, value: string, allowZero = true): string {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (m === null || host === undefined || isIP(host) === 0) {
    usageError(`--${flag} must be ip:port (e.g. 127.0.0.1:7946 or [::1]:7946), got ${JSON.stringify(value)}`);
  }
  if (port > 65535 || (!allowZero && port === 0)) usageError(`--${flag}: port must be ${allowZero ? 0 : 1}…65535`);
  return value;
}

/** Parses a comma-separated list of `host:port` seeds (host names allowed: the node resolves them). */
export function parseSeeds(flag: string, values: readonly string[]): string[] {
  const seeds = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  for (const seed of seeds) {
    if (!/^(\[[^\]]+\]|[^:[\]\s]+):\d{1,5}$/.test(seed)) usageError(`--${flag} wants host:port[,host:port...], got ${JSON.stringify(seed)}`);
  }
  return seeds;
}

/**
 * Parses a duration: `500ms`, `20s`, `2m`, `1h`, or a bare number of seconds. `0` (or `forever`) means no limit
 * and returns 0.
 */
export function parseDuration(flag: string, value: string): number {
  if (value === 'forever') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (m === null) usageError(`--${flag} must be a duration like 60s, 2m or 500ms, got ${JSON.stringify(value)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  const ms = Math.round(Number(m[1]) * unit);
  if (!Number.isFinite(ms) || ms > 7 * 24 * 3_600_000) usageError(`--${flag} is too long`);
  return ms;
}

/** Parses an integer within [min, max]. */
export function parseIntFlag(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) usageError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** Checks `value` is one of `choices`. */
export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) usageError(`--${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}
