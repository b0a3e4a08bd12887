/** Runs system commands (ip, nft) with bounded time and output, and bounded parallelism. */
import { execFile } from 'node:child_process';
import { ChaosError } from './errors.js';

/** Runs `command args…`, feeding `input` on stdin; resolves with stdout, rejects with `ERR_CHAOS_COMMAND`. */
export function run(command: string, args: readonly string[], input?: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = stderr.trim() || err.message;
        reject(new ChaosError('ERR_CHAOS_COMMAND', `${command} ${args.join(' ')}: ${detail}`, { cause: err }));
      } else {
        resolve(stdout);
      }
    });
    // A command that never reads stdin closes it early: that EPIPE is not an error of the command.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Resolves after `ms`, or rejects with `ERR_CHAOS_ABORTED` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ChaosError('ERR_CHAOS_ABORTED', 'aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ChaosError('ERR_CHAOS_ABORTED', 'aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls `check` every `everyMs` until it returns a value other than `undefined` or `timeoutMs` passes
 * (then resolves `undefined`): every wait of the testbed is bounded.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs: number, signal?: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(everyMs, Math.max(0, deadline - Date.now())), signal);
  }
}
