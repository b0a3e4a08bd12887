/**
 * A Transport that wraps a node's real one and counts what the node sends — UDP packets and bytes, TCP bytes
 * written on dialled and accepted streams — the same counters the Go harness keeps in its wrapping
 * transport (tooling/bench/go/transport.go), so idle cost is counted at the same place for both.
 *
 * It can also delay inbound traffic the way the Go harness's "slow" switch does (each inbound packet and
 * accepted stream handed to the node after a random delay, and the first read of a dialled stream held
 * back), for a like-for-like comparison with Go's slowed node.
 */
import type { DialOptions, Stream, Transport, TransportHandlers } from '@gossip/transport';

/** Cumulative counts of what one node wrote to the network. */
export interface TrafficCounters {
  udpPackets: number;
  udpBytes: number;
  tcpBytes: number;
  tcpDials: number;
  tcpAccepts: number;
  /** Inbound packets and streams held back by the slow switch. */
  delayed: number;
}

/** Fresh zeroed counters. */
export function emptyCounters(): TrafficCounters {
  return { udpPackets: 0, udpBytes: 0, tcpBytes: 0, tcpDials: 0, tcpAccepts: 0, delayed: 0 };
}

/** Inbound delay bounds, milliseconds. */
export interface SlowDelay {
  readonly minMs: number;
  readonly maxMs: number;
}

/** The counting (and optionally delaying) wrapper. */
export class CountingTransport implements Transport {
  private readonly counters = emptyCounters();
  private slow: SlowDelay | undefined;
  /** Held-back deliveries, with what to do with each if the node shuts down first. */
  private readonly pending = new Map<ReturnType<typeof setTimeout>, (() => void) | undefined>();

  constructor(private readonly inner: Transport) {}

  /** A snapshot of the counters. */
  snapshot(): TrafficCounters {
    return { ...this.counters };
  }

  /** Turns the inbound delay on (`delay`) or off (`undefined`). */
  setSlow(delay: SlowDelay | undefined): void {
    this.slow = delay;
  }

  start(handlers: TransportHandlers): Promise<void> {
    return this.inner.start({
      onPacket: (packet) => {
        if (this.slow === undefined) return handlers.onPacket(packet);
        // A stalled node reads the datagram late, so it also stamps it late (RTTs are measured from it).
        const arrived = Date.now();
        this.later(() => handlers.onPacket({ ...packet, receivedAt: packet.receivedAt + (Date.now() - arrived) }));
      },
      onStream: (stream) => {
        this.counters.tcpAccepts++;
        const counted = new CountingStream(stream, this.counters, 0);
        if (this.slow === undefined) return handlers.onStream(counted);
        this.later(() => handlers.onStream(counted), () => stream.destroy());
      },
    } satisfies TransportHandlers);
  }

  advertiseAddress(): ReturnType<Transport['advertiseAddress']> {
    return this.inner.advertiseAddress();
  }

  async sendPacket(to: string, data: Uint8Array): Promise<void> {
    await this.inner.sendPacket(to, data);
    this.counters.udpPackets++;
    this.counters.udpBytes += data.length;
  }

  async dial(to: string, options?: DialOptions): Promise<Stream> {
    const stream = await this.inner.dial(to, options);
    this.counters.tcpDials++;
    // A stalled node also reads the answer on a stream it opened late (fallback pings, push/pull replies).
    const hold = this.slow === undefined ? 0 : this.nextDelay();
    if (hold > 0) this.counters.delayed++;
    return new CountingStream(stream, this.counters, hold);
  }

  resolve(address: string): Promise<string[]> {
    return this.inner.resolve(address);
  }

  shutdown(): Promise<void> {
    for (const [timer, onDrop] of this.pending) {
      clearTimeout(timer);
      onDrop?.();
    }
    this.pending.clear();
    return this.inner.shutdown();
  }

  private nextDelay(): number {
    const slow = this.slow;
    if (slow === undefined) return 0;
    return slow.minMs + Math.random() * Math.max(0, slow.maxMs - slow.minMs);
  }

  private later(deliver: () => void, onDrop?: () => void): void {
    this.counters.delayed++;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      deliver();
    }, this.nextDelay());
    this.pending.set(timer, onDrop);
  }
}

/** A stream that counts the bytes written on it and can hold back its first read. */
class CountingStream implements Stream {
  private firstRead = true;

  constructor(
    private readonly inner: Stream,
    private readonly counters: TrafficCounters,
    private readonly firstReadDelayMs: number,
  ) {}

  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }

  async read(): Promise<Uint8Array | null> {
    if (this.firstRead) {
      this.firstRead = false;
      if (this.firstReadDelayMs > 0) await new Promise((r) => setTimeout(r, this.firstReadDelayMs));
    }
    return this.inner.read();
  }

  async write(data: Uint8Array): Promise<void> {
    await this.inner.write(data);
    this.counters.tcpBytes += data.length;
  }

  setDeadline(deadline: number | undefined): void {
    this.inner.setDeadline(deadline);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
