import type { Clock, TimerHandle } from '../runtime.js';
import { TransportError, type Stream } from '../transport.js';
import { STREAM_RTO, retransmitTimeout } from './link-faults.js';

/** What travels from one end of an in-memory stream to the other, in order. */
type Segment = { readonly kind: 'data'; readonly data: Uint8Array } | { readonly kind: 'fin' } | { readonly kind: 'rst' };

interface Queued {
  readonly due: number;
  readonly segment: Segment;
}

/** The network's side of a stream: timing, fault decisions and bookkeeping. */
export interface StreamLink {
  readonly clock: Clock;
  /**
   * The fate of one transmission of a segment `from` → `to`: its one-way delay; `'lost'` (random loss, or a
   * partition: sent again after a retransmission timeout); or `'gone'` (a crashed host: never delivered).
   */
  segmentAttempt(from: string, to: string): number | 'lost' | 'gone';
  /** Until when the process at `address` is paused (0 if it is not): nothing is handed to it before then. */
  heldUntil(address: string): number;
  /** Counts bytes written into the network. */
  countStreamBytes(bytes: number): void;
  /** Called once when the local side is finished with a stream (closed, destroyed or reset). */
  released(stream: MemoryStream): void;
}

interface Waiter {
  resolve(chunk: Uint8Array | null): void;
  reject(error: TransportError): void;
}

/**
 * One end of an in-memory TCP-like connection. Segments reach the peer after the link's latency, never
 * reordered (each direction keeps a FIFO with non-decreasing due times). A segment lost to random loss or to a
 * partition is sent again after a retransmission timeout (200 ms, doubling while it keeps being lost), and the
 * segments written after it wait behind it: a partition stalls the stream until it heals (or the reader's
 * deadline fires), loss makes it late. A segment towards a crashed host stalls its direction for good.
 */
export class MemoryStream implements Stream {
  private peer: MemoryStream | undefined;
  private readonly chunks: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private eof = false;
  private failure: TransportError | undefined;
  private finished = false;
  private timedOut = false;
  private deadlineTimer: TimerHandle;
  private receivedBytes = 0;
  private readonly outQueue: Queued[] = [];
  private outHead = 0;
  private outTimer: TimerHandle;
  private lastDue = -Infinity;
  private outStalled = false;
  /** The segment waiting for its retransmission timer, and how many times it has been lost in a row. */
  private resending: Segment | undefined;
  private losses = 0;
  /** Segments written while an earlier one waits to be retransmitted (TCP's send queue). */
  private readonly backlog: Segment[] = [];

  constructor(
    private readonly link: StreamLink,
    /** This end's `ip:port`. */
    readonly localAddress: string,
    readonly remoteAddress: string,
    private readonly maxReceiveBytes: number,
  ) {}

  /** Connects two ends (called once by the network). */
  static pair(a: MemoryStream, b: MemoryStream): void {
    a.peer = b;
    b.peer = a;
  }

  read(): Promise<Uint8Array | null> {
    if (this.finished) return Promise.reject(closedError());
    if (this.timedOut) return Promise.reject(timeoutError());
    const chunk = this.chunks.shift();
    if (chunk !== undefined) return Promise.resolve(chunk);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.eof) return Promise.resolve(null);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  write(data: Uint8Array): Promise<void> {
    if (this.finished) return Promise.reject(closedError());
    if (this.timedOut) return Promise.reject(timeoutError());
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (data.length > 0) {
      this.link.countStreamBytes(data.length);
      this.transmit({ kind: 'data', data: data.slice() });
    }
    return Promise.resolve();
  }

  setDeadline(deadline: number | undefined): void {
    if (this.deadlineTimer !== undefined) this.link.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.timedOut = false;
    if (deadline === undefined || this.finished) return;
    const wait = deadline - this.link.clock.now();
    if (wait <= 0) {
      this.expire();
      return;
    }
    this.deadlineTimer = this.link.clock.setTimeout(() => {
      this.deadlineTimer = undefined;
      this.expire();
    }, wait);
  }

  close(): Promise<void> {
    if (!this.finished) {
      if (this.failure === undefined) this.transmit({ kind: 'fin' });
      this.finish(closedError());
    }
    return Promise.resolve();
  }

  destroy(): void {
    if (this.finished) return;
    if (this.failure === undefined) this.transmit({ kind: 'rst' });
    this.finish(closedError());
  }

  /** The network resets this end (its node crashed, or its endpoint shut down): the peer sees ERR_RESET. */
  abort(): void {
    this.destroy();
  }

  private expire(): void {
    this.timedOut = true;
    this.rejectWaiters(timeoutError());
  }

  private finish(error: TransportError): void {
    this.finished = true;
    if (this.deadlineTimer !== undefined) this.link.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.chunks.length = 0;
    this.rejectWaiters(error);
    this.link.released(this);
  }

  private rejectWaiters(error: TransportError): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  private transmit(segment: Segment): void {
    if (this.outStalled || this.peer === undefined) return;
    if (this.resending !== undefined) this.backlog.push(segment);
    else this.attempt(segment);
  }

  /** Sends one segment; on loss arms its retransmission, behind which later segments queue up. */
  private attempt(segment: Segment): void {
    const fate = this.link.segmentAttempt(this.localAddress, this.remoteAddress);
    if (fate === 'gone' || (fate === 'lost' && this.losses >= STREAM_RTO.maxRetries)) {
      this.outStalled = true;
      this.backlog.length = 0;
      return;
    }
    if (fate === 'lost') {
      this.losses++;
      this.resending = segment;
      // Like a kernel, retransmission goes on after the application closed the stream.
      this.link.clock.setTimeout(() => this.resend(), retransmitTimeout(STREAM_RTO.dataInitialMs, this.losses));
      return;
    }
    this.losses = 0;
    const due = Math.max(this.link.clock.now() + fate, this.lastDue);
    this.lastDue = due;
    this.outQueue.push({ due, segment });
    if (this.outTimer === undefined) this.scheduleOut();
  }

  private resend(): void {
    const segment = this.resending as Segment;
    this.resending = undefined;
    this.attempt(segment);
    while (this.resending === undefined && !this.outStalled) {
      const next = this.backlog.shift();
      if (next === undefined) break;
      this.attempt(next);
    }
  }

  private scheduleOut(): void {
    const head = this.outQueue[this.outHead];
    if (head === undefined) {
      this.outQueue.length = 0;
      this.outHead = 0;
      return;
    }
    this.outTimer = this.link.clock.setTimeout(() => {
      this.outTimer = undefined;
      this.flushOut();
    }, head.due - this.link.clock.now());
  }

  private flushOut(): void {
    const now = this.link.clock.now();
    // A paused receiving process takes nothing in until it resumes; its kernel keeps the segments in order.
    const held = this.peer === undefined ? 0 : this.link.heldUntil(this.peer.localAddress);
    if (held > now) {
      this.outTimer = this.link.clock.setTimeout(() => {
        this.outTimer = undefined;
        this.flushOut();
      }, held - now);
      return;
    }
    // The head is due (a real timer may fire a hair early); later segments go only once their time has come.
    let first = true;
    for (let q = this.outQueue[this.outHead]; q !== undefined && (first || q.due <= now); q = this.outQueue[this.outHead]) {
      first = false;
      this.outHead++;
      this.peer?.receive(q.segment);
    }
    this.scheduleOut();
  }

  private receive(segment: Segment): void {
    if (this.finished || this.failure !== undefined) return;
    switch (segment.kind) {
      case 'data': {
        this.receivedBytes += segment.data.length;
        if (this.receivedBytes > this.maxReceiveBytes) {
          const error = new TransportError(
            'ERR_TOO_LARGE',
            `stream from ${this.remoteAddress} exceeded ${this.maxReceiveBytes} bytes`,
          );
          this.failure = error;
          this.chunks.length = 0;
          this.rejectWaiters(error);
          this.transmit({ kind: 'rst' });
          return;
        }
        const waiter = this.waiters.shift();
        if (waiter !== undefined) waiter.resolve(segment.data);
        else this.chunks.push(segment.data);
        return;
      }
      case 'fin':
        this.eof = true;
        for (const w of this.waiters.splice(0)) w.resolve(null);
        return;
      case 'rst': {
        const error = new TransportError('ERR_RESET', `stream reset by ${this.remoteAddress}`);
        this.failure = error;
        this.chunks.length = 0;
        this.rejectWaiters(error);
        return;
      }
    }
  }
}

function closedError(): TransportError {
  return new TransportError('ERR_CLOSED', 'stream is closed');
}

function timeoutError(): TransportError {
  return new TransportError('ERR_TIMEOUT', 'stream deadline exceeded');
}
