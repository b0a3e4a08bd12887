/**
 * The Transport seam: how bytes move between gossip nodes. `@gossip/core` talks to the network only through
 * this interface, so UDP/TCP, the in-memory network, or a user's WebSocket/QUIC transport are interchangeable.
 *
 * Addresses are `host:port` strings (`10.0.0.1:7946`, `[::1]:7946`), as in memberlist. A host may be a name;
 * {@link Transport.resolve} turns it into IP addresses (DNS belongs to the transport, not the protocol).
 */

/** A datagram received from the network. */
export interface InboundPacket {
  /** The datagram's bytes (one whole UDP payload). */
  readonly data: Uint8Array;
  /** The sender's `ip:port` as seen on the wire. */
  readonly from: string;
  /** When it was received, on the transport's clock (milliseconds). */
  readonly receivedAt: number;
}

/**
 * A reliable, ordered, bidirectional byte stream carrying one memberlist exchange (one request frame, at most
 * one response frame), like a TCP connection.
 */
export interface Stream {
  /** The peer's `ip:port`. */
  readonly remoteAddress: string;
  /**
   * Resolves with the next chunk of bytes, or `null` once the peer has finished sending (EOF). Chunks may be of
   * any size; callers buffer, and may hold a chunk for as long as they like: a transport does not reuse or change it
   * after handing it out. Rejects with a {@link TransportError} on a reset, or when the deadline passes.
   */
  read(): Promise<Uint8Array | null>;
  /** Writes bytes; resolves once they are handed to the network. */
  write(data: Uint8Array): Promise<void>;
  /**
   * Sets an absolute deadline (on the transport's clock, ms) after which pending and future reads and writes
   * reject with code `ERR_TIMEOUT`; `undefined` clears it.
   */
  setDeadline(deadline: number | undefined): void;
  /**
   * Finishes sending and releases the stream once the peer has read what was written. There is no half-close:
   * after `close()` reads reject with `ERR_CLOSED`, so read the response before closing (memberlist frames are
   * self-delimiting, so neither side needs EOF to know a request is complete).
   */
  close(): Promise<void>;
  /** Tears the stream down at once (pending reads reject). */
  destroy(): void;
}

/** Callbacks through which a transport delivers inbound traffic. */
export interface TransportHandlers {
  /** Called for every received datagram. Must not throw; must not block. */
  onPacket(packet: InboundPacket): void;
  /** Called for every accepted inbound stream; the handler owns it and must close or destroy it. */
  onStream(stream: Stream): void;
}

/** Where a node can be reached, as advertised to peers. */
export interface AdvertiseAddress {
  /** An IP address literal (IPv4 dotted quad or IPv6), never a host name. */
  readonly ip: string;
  readonly port: number;
}

/** Options for {@link Transport.dial}. */
export interface DialOptions {
  /** Give up if the connection is not established by this absolute time (transport clock, ms). */
  readonly deadline?: number;
  /**
   * Give up when this aborts: the dial rejects with `ERR_ABORTED`, its connection attempt and timers are torn down,
   * and a connection that completes afterwards is closed unused.
   */
  readonly signal?: AbortSignalLike;
}

/**
 * A structural stand-in for the DOM/Node `AbortSignal`, so portable packages need neither DOM nor Node types. A
 * real `AbortController().signal` satisfies it.
 */
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
 * The network as a gossip node sees it. Implementations: `UdpTcpTransport` (real sockets, memberlist's
 * NetTransport), `MemoryNetwork` endpoints (in-process, with faults). Write your own for other media.
 */
export interface Transport {
  /** Starts receiving; inbound packets and streams go to `handlers`. Resolves once listening. */
  start(handlers: TransportHandlers): Promise<void>;
  /** The address peers should use for this node (known after {@link Transport.start}). */
  advertiseAddress(): AdvertiseAddress;
  /**
   * Sends one datagram to `to` (`ip:port`). Resolves once sent; rejects with a {@link TransportError}. Delivery
   * is best effort, like UDP: a packet to nobody resolves and is lost. The transport may read `data` until the
   * promise settles, so do not modify it before then.
   */
  sendPacket(to: string, data: Uint8Array): Promise<void>;
  /** Opens a stream to `to` (`ip:port`). */
  dial(to: string, options?: DialOptions): Promise<Stream>;
  /** Resolves `host:port` (host may be a name or an IP literal) to one or more `ip:port` addresses. */
  resolve(address: string): Promise<string[]>;
  /** Stops listening and closes every socket and stream; leaves no open handle. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Stable error codes for {@link TransportError}: `ERR_TIMEOUT` a deadline or dial timeout passed; `ERR_CLOSED`
 * the transport or stream was shut down locally; `ERR_UNREACHABLE` no route (e.g. IPv6 from an IPv4 socket);
 * `ERR_REFUSED` nobody listens there; `ERR_RESET` the peer tore the stream down; `ERR_TOO_LARGE` a size bound
 * was crossed; `ERR_BAD_ADDRESS` not a valid `host:port` (or not an IP where one is required); `ERR_RESOLVE` a
 * name did not resolve; `ERR_BIND` the local address is taken or already started; `ERR_ABORTED` the caller's
 * signal aborted a dial; `ERR_IO` anything else.
 */
export type TransportErrorCode =
  | 'ERR_TIMEOUT'
  | 'ERR_CLOSED'
  | 'ERR_UNREACHABLE'
  | 'ERR_REFUSED'
  | 'ERR_RESET'
  | 'ERR_TOO_LARGE'
  | 'ERR_BAD_ADDRESS'
  | 'ERR_RESOLVE'
  | 'ERR_BIND'
  | 'ERR_ABORTED'
  | 'ERR_IO';

/** Every failure a transport reports is a `TransportError` with a stable `code`. */
export class TransportError extends Error {
  /** Stable machine-readable code. */
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}
