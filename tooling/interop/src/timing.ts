import { GoPeerTimeoutError } from './errors.js';

/** Rejects with {@link GoPeerTimeoutError} if `promise` does not settle within `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GoPeerTimeoutError(`${what}: not done within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Calls `attempt` every `intervalMs` until it returns a value or `timeoutMs` passes (then undefined). */
export async function poll<T>(
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
  intervalMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}
