import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../runtime.js';
import { TransportError, type Stream } from '../transport.js';
import { fromSystemError } from './system-errors.js';

/** Unread bytes above which the socket is paused (backpressure), and below which it resumes. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** How long `close()` waits for the peer to finish before tearing the socket down. */
const CLOSE_LINGER_MS = 5000;

interface Waiter {
  resolve(chunk: Uint8Array | null): void;
  reject(error: TransportError): void;
}

interface PendingWrite {
  reject(error: TransportError): void;
}

/**
 * A {@link Stream} over a TCP socket. Reads are pulled from a bounded queue (the socket pauses when the reader
 * falls behind), the total inbound size is capped, and deadlines run on the transport's clock.
 */
export class TcpStream implements Stream {
  private readonly chunks: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly pendingWrites = new Set<PendingWrite>();
  private buffered = 0;
  private received = 0;
  private eof = false;
  private failure: TransportError | undefined;
  private finished = false;
  private timedOut = false;
  private deadlineTimer: TimerHandle;
  private hasDeadline = false;

  constructor(
    private readonly socket: Socket,
    readonly remoteAddress: string,
    private readonly clock: Clock,
    private readonly maxReceiveBytes: number,
    private readonly onTooLarge: (stream: TcpStream) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.eof = true;
      for (const w of this.waiters.splice(0)) w.resolve(null);
    });
    socket.on('error', (error) => this.fail(fromSystemError(error, `stream ${remoteAddress}`)));
    socket.on('close', () => {
      if (!this.eof) this.fail(new TransportError('ERR_RESET', `stream ${remoteAddress} closed before EOF`));
    });
  }

  read(): Promise<Uint8Array | null> {
    if (this.finished) return Promise.reject(new TransportError('ERR_CLOSED', 'stream is closed'));
    if (this.timedOut) return Promise.reject(timeoutError());
    const chunk = this.chunks.shift();
    if (chunk !== undefined) {
      this.buffered -= chunk.length;
      if (this.buffered <= LOW_WATER && this.socket.isPaused()) this.socket.resume();
      return Promise.resolve(chunk);
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.eof) return Promise.resolve(null);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  write(data: Uint8Array): Promise<void> {
    if (this.finished) return Promise.reject(new TransportError('ERR_CLOSED', 'stream is closed'));
    if (this.timedOut) return Promise.reject(timeoutError());
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const pending: PendingWrite = { reject };
      this.pendingWrites.add(pending);
      this.socket.write(data, (error) => {
        if (!this.pendingWrites.delete(pending)) return; // already rejected by a deadline or teardown
        if (error) reject(fromSystemError(error, `write to ${this.remoteAddress}`));
        else resolve();
      });
    });
  }

  setDeadline(deadline: number | undefined): void {
    if (this.hasDeadline) this.clock.clearTimeout(this.deadlineTimer);
    this.hasDeadline = false;
    this.timedOut = false;
    if (deadline === undefined || this.finished) return;
    const wait = deadline - this.clock.now();
    if (wait <= 0) return this.expire();
    this.hasDeadline = true;
    this.deadlineTimer = this.clock.setTimeout(() => {
      this.hasDeadline = false;
      this.expire();
    }, wait);
  }

  close(): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.finish();
    const socket = this.socket;
    if (socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // end() flushes what was written, then sends FIN; close() resolves once that is handed to the kernel. The
      // socket itself is released when the peer closes too; a peer that never does must not pin it, hence the
      // linger timer (a real, unref'd timer: it concerns the OS socket, never the protocol's clock).
      const linger = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
      linger.unref();
      socket.once('close', () => {
        clearTimeout(linger);
        resolve();
      });
      socket.once('finish', () => resolve());
      socket.resume(); // drain (and discard) anything still arriving so the peer's FIN is seen
      socket.end();
    });
  }

  destroy(): void {
    if (!this.finished) this.finish();
    this.socket.destroy();
  }

  private finish(): void {
    this.finished = true;
    if (this.hasDeadline) this.clock.clearTimeout(this.deadlineTimer);
    this.hasDeadline = false;
    this.chunks.length = 0;
    this.buffered = 0;
    // Built only when someone waits: an Error captures a stack, and every stream closes through here.
    if (this.waiters.length === 0 && this.pendingWrites.size === 0) return;
    const closed = new TransportError('ERR_CLOSED', 'stream is closed');
    for (const w of this.waiters.splice(0)) w.reject(closed);
    for (const p of this.pendingWrites) p.reject(closed);
    this.pendingWrites.clear();
  }

  private onData(chunk: Buffer): void {
    if (this.finished || this.failure !== undefined) return;
    this.received += chunk.length;
    if (this.received > this.maxReceiveBytes) {
      this.fail(
        new TransportError('ERR_TOO_LARGE', `stream from ${this.remoteAddress} exceeded ${this.maxReceiveBytes} bytes`),
      );
      this.onTooLarge(this);
      this.socket.destroy();
      return;
    }
    const data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    const waiter = this.waiters.shift();
    if (waiter !== undefined) return waiter.resolve(data);
    this.chunks.push(data);
    this.buffered += data.length;
    if (this.buffered > HIGH_WATER) this.socket.pause();
  }

  private fail(error: TransportError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.chunks.length = 0;
    this.buffered = 0;
    for (const w of this.waiters.splice(0)) w.reject(error);
    for (const p of this.pendingWrites) p.reject(error);
    this.pendingWrites.clear();
  }

  private expire(): void {
    this.timedOut = true;
    const error = timeoutError();
    for (const w of this.waiters.splice(0)) w.reject(error);
    for (const p of this.pendingWrites) p.reject(error);
    this.pendingWrites.clear();
  }
}

function timeoutError(): TransportError {
  return new TransportError('ERR_TIMEOUT', 'stream deadline exceeded');
}
