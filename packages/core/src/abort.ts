/**
 * Cancellation: core takes the same structural `AbortSignalLike` as the transports it drives (a real
 * `AbortController().signal` satisfies it), so one signal can be passed all the way down.
 */
import type { AbortSignalLike } from '@gossip/transport';
import { MemberlistError, toError } from './errors.js';

export type { AbortSignalLike };

/**
 * Calls `onAbort` once when `signal` aborts (immediately if it already has) and returns a function that removes
 * the listener. With no signal it does nothing.
 */
export function onAbort(signal: AbortSignalLike | undefined, onAbort: () => void): () => void {
  if (signal === undefined) return () => undefined;
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  const listener = (): void => onAbort();
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/**
 * `promise`, or a rejection with `ERR_ABORTED` (cause: the signal's reason; `what` names the operation) as soon as
 * `signal` aborts, whichever comes first. The operation itself goes on: only the wait is cut short.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignalLike | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const removeAbort = onAbort(signal, () =>
      reject(new MemberlistError('ERR_ABORTED', `${what} aborted`, { cause: signal.reason })),
    );
    promise.then(
      (value) => {
        removeAbort();
        resolve(value);
      },
      (err: unknown) => {
        removeAbort();
        reject(toError(err));
      },
    );
  });
}
