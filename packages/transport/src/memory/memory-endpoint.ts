import { canonicalAddress, splitHostPort } from '../address.js';
import {
  TransportError,
  type AdvertiseAddress,
  type DialOptions,
  type Stream,
  type Transport,
  type TransportHandlers,
} from '../transport.js';
import type { MemoryNetwork } from './memory-network.js';
import type { MemoryStream } from './memory-stream.js';

/** Options for {@link MemoryNetwork.endpoint}. */
export interface MemoryEndpointOptions {
  /** Largest datagram `sendPacket` accepts; larger ones reject with ERR_TOO_LARGE. Default 65 535 (UDP's limit). */
  readonly maxPacketSize?: number;
  /** Most bytes one inbound stream may carry before it is reset with ERR_TOO_LARGE. Default 64 MiB. */
  readonly maxStreamBytes?: number;
}

/** A node's view of a {@link MemoryNetwork}: a complete {@link Transport} bound to one `ip:port`. */
export class MemoryEndpoint implements Transport {
  /** Canonical `ip:port` of this endpoint. */
  readonly address: string;
  /** See {@link MemoryEndpointOptions.maxPacketSize}. */
  readonly maxPacketSize: number;
  /** See {@link MemoryEndpointOptions.maxStreamBytes}. */
  readonly maxStreamBytes: number;
  private readonly advertised: AdvertiseAddress;
  private handlers: TransportHandlers | undefined;
  private closed = false;
  private readonly streams = new Set<MemoryStream>();

  /** @internal Created by {@link MemoryNetwork.endpoint}. */
  constructor(
    private readonly network: MemoryNetwork,
    address: string,
    options: MemoryEndpointOptions,
  ) {
    this.address = address;
    const { host, port } = splitHostPort(address);
    this.advertised = { ip: host, port };
    this.maxPacketSize = options.maxPacketSize ?? 65535;
    this.maxStreamBytes = options.maxStreamBytes ?? 64 * 1024 * 1024;
  }

  /** Whether inbound traffic is being delivered (started and not shut down). */
  get listening(): boolean {
    return this.handlers !== undefined && !this.closed;
  }

  /** Whether {@link MemoryEndpoint.shutdown} has been called. */
  get isShutDown(): boolean {
    return this.closed;
  }

  start(handlers: TransportHandlers): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('ERR_CLOSED', `${this.address} is shut down`));
    if (this.handlers !== undefined) {
      return Promise.reject(new TransportError('ERR_BIND', `${this.address} is already started`));
    }
    this.handlers = handlers;
    return Promise.resolve();
  }

  advertiseAddress(): AdvertiseAddress {
    return this.advertised;
  }

  sendPacket(to: string, data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('ERR_CLOSED', `${this.address} is shut down`));
    let target: string;
    try {
      target = canonicalAddress(to);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    if (data.length > this.maxPacketSize) {
      this.network.countTooLarge();
      return Promise.reject(
        new TransportError('ERR_TOO_LARGE', `packet of ${data.length} bytes exceeds ${this.maxPacketSize}`),
      );
    }
    // Copy now: the caller may reuse its buffer, and the receiver must never see later writes to it.
    this.network.routePacket(this.address, target, data.slice());
    return Promise.resolve();
  }

  dial(to: string, options: DialOptions = {}): Promise<Stream> {
    if (this.closed) return Promise.reject(new TransportError('ERR_CLOSED', `${this.address} is shut down`));
    let target: string;
    try {
      target = canonicalAddress(to);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return this.network.openStream(this.address, target, options.deadline, options.signal);
  }

  resolve(address: string): Promise<string[]> {
    try {
      return Promise.resolve(this.network.resolveHost(address));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  shutdown(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.abortStreams();
      this.network.unregister(this);
    }
    return Promise.resolve();
  }

  /** @internal Hands a datagram to the node. */
  acceptPacket(from: string, data: Uint8Array): void {
    this.handlers?.onPacket({ data, from, receivedAt: this.network.clock.now() });
  }

  /** @internal Hands an accepted stream to the node. */
  acceptStream(stream: MemoryStream): void {
    this.handlers?.onStream(stream);
  }

  /** @internal Tracks a stream so shutdown and crashes can reach it. */
  adoptStream(stream: MemoryStream): void {
    this.streams.add(stream);
  }

  /** @internal */
  releaseStream(stream: MemoryStream): void {
    this.streams.delete(stream);
  }

  /** @internal Resets every open stream (shutdown, crash). */
  abortStreams(): void {
    for (const stream of [...this.streams]) stream.abort();
    this.streams.clear();
  }

  /** Streams this endpoint has open (dialed or accepted, not yet closed). */
  openStreams(): number {
    return this.streams.size;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new TransportError('ERR_IO', String(error));
}
