/**
 * How long the main thread waited for a CPU: the run-queue delay the Linux scheduler reports per thread
 * (`/proc/thread-self/schedstat`, second field, in ns). On a shared machine a turn's wall time includes the time
 * the kernel ran someone else while our thread was ready to run; subtracting that wait leaves the time the turn
 * itself held the event loop (our code and V8's collector on this thread). Reading it costs about 3 µs.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Reads the main thread's run-queue wait; without `/proc` (not Linux) every reading is 0. */
export class RunQueueWait {
  private fd: number | undefined;
  private readonly buf = Buffer.alloc(128);

  /** Must be constructed on the thread to be measured: `/proc/thread-self` names the opener's thread. */
  constructor() {
    try {
      this.fd = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /** Whether the kernel reports the wait here (otherwise {@link RunQueueWait.ms} is always 0). */
  get available(): boolean {
    return this.fd !== undefined;
  }

  /** Total time (ms) the thread has waited, runnable, for a CPU since it started. */
  ms(): number {
    if (this.fd === undefined) return 0;
    const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
    const fields = this.buf.toString('latin1', 0, n).split(' ');
    return Number(fields[1] ?? 0) / 1e6;
  }

  /** Closes the file; readings are 0 from then on. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
