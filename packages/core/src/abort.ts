/**
 * A structural stand-in for the DOM/Node `AbortSignal`, so `@gossip/core` needs neither DOM nor Node types. A real
 * `AbortController().signal` satisfies it.
 */

/** The part of `AbortSignal` core uses. */
export interface AbortSignalLike {
  /** True once the operation should stop. */
  readonly aborted: boolean;
  /** Why it was aborted (whatever the controller passed to `abort()`). */
  readonly reason?: unknown;
  /** Registers a listener for the `abort` event. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Removes a listener registered with {@link AbortSignalLike.addEventListener}. */
  removeEventListener(type: 'abort', listener: () => void): void;
}

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
