/**
 * Cancellation: core takes the same structural `AbortSignalLike` as the transports it drives (a real
 * `AbortController().signal` satisfies it), so one signal can be passed all the way down.
 */
import type { AbortSignalLike } from '@gossip/transport';

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
