/**
 * Waits that public calls (`leave`, `updateNode`) make for a broadcast to go out: bounded by a timeout on the
 * injected clock, and all ended at once when the node shuts down, so no caller hangs and no timer outlives
 * the node.
 */
import type { Clock, TimerHandle } from '@gossip/transport';
import { type AbortSignalLike, onAbort } from './abort.js';
import { MemberlistError } from './errors.js';

/** The waits in progress of one node. */
export class PendingWaits {
  private readonly rejecters = new Set<(err: MemberlistError) => void>();

  constructor(private readonly clock: Clock) {}

  /**
   * Resolves when `done` does; rejects with `ERR_TIMEOUT` (`message`) after `timeoutMs` (0 or less: no limit),
   * with `ERR_ABORTED` when `signal` aborts, or with the error given to {@link PendingWaits.rejectAll}.
   */
  wait(done: Promise<void>, timeoutMs: number, message: string, signal?: AbortSignalLike): Promise<void> {
    const clock = this.clock;
    return new Promise<void>((resolve, reject) => {
      let timer: TimerHandle;
      let armed = false;
      let removeAbort = (): void => undefined;
      const settle = (err?: MemberlistError): void => {
        if (!this.rejecters.delete(stop)) return;
        if (armed) clock.clearTimeout(timer);
        removeAbort();
        if (err === undefined) resolve();
        else reject(err);
      };
      const stop = (err: MemberlistError): void => settle(err);
      this.rejecters.add(stop);
      if (timeoutMs > 0) {
        armed = true;
        timer = clock.setTimeout(() => settle(new MemberlistError('ERR_TIMEOUT', message)), timeoutMs);
      }
      removeAbort = onAbort(signal, () => settle(new MemberlistError('ERR_ABORTED', 'wait aborted', { cause: signal?.reason })));
      void done.then(() => settle());
    });
  }

  /** Ends every wait in progress with `err` (shutdown). */
  rejectAll(err: MemberlistError): void {
    for (const stop of [...this.rejecters]) stop(err);
  }
}
