/**
 * Bounded waits for tests that run real sockets, processes and timers. A test never sleeps for a fixed time and
 * then hopes: it waits for the condition it needs, with a bound generous enough for a loaded shared machine, and
 * the failure names what it was waiting for.
 */

/** Thrown by {@link eventually} when its bound passes first; `code` is stable for assertions. */
export class WaitTimeoutError extends Error {
  /** Stable error code. */
  readonly code = 'ERR_WAIT_TIMEOUT';

  constructor(
    /** What was awaited, as the test described it. */
    readonly description: string,
    /** The bound that passed, in milliseconds. */
    readonly timeoutMs: number,
    /** The last error `check` threw, if any: often the real reason. */
    readonly lastError?: unknown,
  ) {
    const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
    super(`timed out after ${timeoutMs} ms waiting for: ${description}${why}`, { cause: lastError });
    this.name = 'WaitTimeoutError';
  }
}

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Pause between two checks; 20 ms by default (a check may be async and slow: the bound still holds). */
  readonly intervalMs?: number;
  /** Aborts the wait early, rejecting with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** What {@link eventually} treats as "not yet". */
export type NotYet = undefined | false | null;

/**
 * Polls `check` until it returns something other than `undefined`, `false` or `null`, and returns that value.
 * A throwing check counts as "not yet" (its last error is reported on timeout), so assertions can be polled.
 *
 * @param description what is awaited, e.g. `"a sees b dead"`: it is the whole failure message
 * @param timeoutMs the bound; pick it for a busy machine (several times the expected time), it costs nothing
 *   when the condition holds early
 * @throws {WaitTimeoutError} when `timeoutMs` passes first
 */
export async function eventually<T>(
  description: string,
  timeoutMs: number,
  check: () => T | NotYet | Promise<T | NotYet>,
  options: EventuallyOptions = {},
): Promise<T> {
  const interval = options.intervalMs ?? 20;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) throw new WaitTimeoutError(description, timeoutMs, lastError);
    await delay(Math.min(interval, Math.max(0, deadline - performance.now())), options.signal);
  }
}

/**
 * Waits until `condition` holds; {@link eventually} for a plain boolean condition.
 *
 * @throws {WaitTimeoutError} when `timeoutMs` (10 s by default) passes first
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  description = 'condition',
): Promise<void> {
  await eventually(description, timeoutMs, condition, { intervalMs: 5 });
}

/**
 * Like {@link eventually} for a boolean condition, but answers instead of throwing: true as soon as `condition`
 * holds, false when `timeoutMs` passes first. For harnesses (benchmarks) that record a miss rather than fail.
 */
export async function waitUntil(timeoutMs: number, condition: () => boolean, intervalMs = 5): Promise<boolean> {
  try {
    await eventually('condition', timeoutMs, () => condition(), { intervalMs });
    return true;
  } catch (error) {
    if (error instanceof WaitTimeoutError) return false;
    throw error;
  }
}

/**
 * Resolves after `ms` (rejects with the signal's reason if it aborts first). For pacing a poll or holding a
 * measurement window open: never for waiting until something has happened — use {@link eventually} for that.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
