/**
 * Simulates an event-loop stall on one node under a VirtualClock: while stalled, the node's timers and inbound
 * traffic wait; when the stall ends, overdue timers run first and the traffic that queued up is delivered just
 * after them — the order Node.js uses (timers phase, then poll phase).
 */
import type { Clock, Stream, TimerHandle, Transport, TransportHandlers, VirtualClock } from '@gossip/transport';

interface Handle {
  inner: TimerHandle;
}

export class StallController {
  private stallUntil = Number.NEGATIVE_INFINITY;
  private queued: (() => void)[] = [];
  private flushScheduled = false;

  constructor(private readonly clock: VirtualClock) {}

  /** Freezes the node for `ms` from now. */
  stall(ms: number): void {
    this.stallUntil = this.clock.now() + ms;
  }

  /** The node's view of time: timers due during a stall run when it ends. */
  readonly nodeClock: Clock = {
    now: () => this.clock.now(),
    setTimeout: (fn: () => void, delayMs: number): TimerHandle => {
      const handle: Handle = { inner: undefined };
      const run = (): void => {
        const now = this.clock.now();
        if (now < this.stallUntil) {
          handle.inner = this.clock.setTimeout(run, this.stallUntil - now);
          return;
        }
        fn();
      };
      handle.inner = this.clock.setTimeout(run, delayMs);
      return handle;
    },
    clearTimeout: (h: TimerHandle): void => {
      const handle = h as Handle | undefined;
      if (handle !== undefined) this.clock.clearTimeout(handle.inner);
    },
  };

  /** Datagrams arriving during a stall are lost (a paused process whose socket buffer overflowed). */
  dropPacketsDuringStall = false;

  /** Called with every datagram the node sends (e.g. to stall right after a ping went out). */
  onSend: ((data: Uint8Array) => void) | undefined;

  /** Whether the node is stalled now. */
  stalled(): boolean {
    return this.clock.now() < this.stallUntil;
  }

  /** Wraps a transport so inbound packets and streams wait out the stall. */
  wrap(transport: Transport): Transport {
    const gate = (deliver: () => void): void => {
      if (this.clock.now() >= this.stallUntil) {
        deliver();
        return;
      }
      this.queued.push(deliver);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Just after the overdue timers: I/O is read in the poll phase that follows the timers phase.
        this.clock.setTimeout(() => this.flush(), this.stallUntil - this.clock.now() + 0.5);
      }
    };
    return {
      start: (handlers: TransportHandlers) =>
        transport.start({
          onPacket: (p) => {
            if (this.dropPacketsDuringStall && this.stalled()) return;
            gate(() => handlers.onPacket(p));
          },
          onStream: (s: Stream) => gate(() => handlers.onStream(s)),
        }),
      advertiseAddress: () => transport.advertiseAddress(),
      sendPacket: (to, data) => {
        const sent = transport.sendPacket(to, data);
        this.onSend?.(data);
        return sent;
      },
      dial: (to, options) => transport.dial(to, options),
      resolve: (address) => transport.resolve(address),
      shutdown: () => transport.shutdown(),
    };
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.clock.now() < this.stallUntil) {
      this.flushScheduled = true;
      this.clock.setTimeout(() => this.flush(), this.stallUntil - this.clock.now() + 0.5);
      return;
    }
    const q = this.queued;
    this.queued = [];
    for (const deliver of q) deliver();
  }
}
