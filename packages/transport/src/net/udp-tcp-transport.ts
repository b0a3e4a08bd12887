import { lookup } from 'node:dns/promises';
import type { Socket as UdpSocket } from 'node:dgram';
import { connect, type Server, type Socket } from 'node:net';
import { canonicalIp, ipFamily, joinHostPort, splitHostPort } from '../address.js';
import { LogRateLimiter } from '../log-limiter.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { Clock } from '../runtime.js';
import { systemClock } from '../system-clock.js';
import {
  TransportError,
  type AdvertiseAddress,
  type DialOptions,
  type Stream,
  type Transport,
  type TransportHandlers,
} from '../transport.js';
import { detectPrivateIp } from './advertise.js';
import { bindBoth } from './bind.js';
import { fromSystemError } from './system-errors.js';
import { TcpStream } from './tcp-stream.js';
import { emptyUdpTcpStats, type UdpTcpStats } from './udp-tcp-stats.js';

/** Options for {@link UdpTcpTransport}. */
export interface UdpTcpTransportOptions {
  /** IP to bind both sockets to. Default `'0.0.0.0'`; `'::'` binds dual-stack (IPv6 and IPv4-mapped). */
  readonly bindAddress?: string;
  /** Port for both UDP and TCP. 0 (default) picks a port that is free for both. */
  readonly bindPort?: number;
  /** IP to advertise to peers; overrides detection. Must be an IP literal. */
  readonly advertiseAddress?: string;
  /** Port to advertise; default the bound port. */
  readonly advertisePort?: number;
  /** Largest datagram accepted; larger ones are dropped, logged and counted. Default 65 536 (memberlist's buffer). */
  readonly maxPacketSize?: number;
  /** Most bytes one inbound stream may carry before it is reset with ERR_TOO_LARGE. Default 64 MiB. */
  readonly maxStreamFrame?: number;
  /** Dial timeout when `dial` gets no deadline. Default 10 000 ms (memberlist's TCPTimeout). */
  readonly dialTimeoutMs?: number;
  /** Gives up on a DNS lookup after this long. Default 5 000 ms. */
  readonly resolveTimeoutMs?: number;
  /** Clock for `receivedAt` stamps and deadlines. Default {@link systemClock}. */
  readonly clock?: Clock;
  /**
   * Where dropped input and socket errors are reported. Default: console warnings and errors. Drop warnings are
   * rate-limited per reason (a few, then one summary line per 10 s); {@link UdpTcpTransport.stats} counts all.
   */
  readonly logger?: Logger;
}

const ANY_ADDRESSES = new Set(['0.0.0.0', '::']);

/**
 * memberlist's NetTransport for Node.js: UDP packets and one-exchange TCP streams on one port number, UDP sent
 * from the listening socket (so replies to a datagram's source reach our gossip port), IPv4 and IPv6.
 */
export class UdpTcpTransport implements Transport {
  private readonly bindAddress: string;
  private readonly family: 4 | 6;
  private readonly bindPort: number;
  private readonly maxPacketSize: number;
  private readonly maxStreamFrame: number;
  private readonly dialTimeoutMs: number;
  private readonly resolveTimeoutMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly drops: LogRateLimiter;
  private readonly explicitAdvertise: string | undefined;
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private advertised: AdvertiseAddress | undefined;
  private boundPort = 0;
  private state: 'new' | 'starting' | 'running' | 'closed' = 'new';
  private readonly sockets = new Set<Socket>();
  private counters: UdpTcpStats = emptyUdpTcpStats();

  constructor(private readonly options: UdpTcpTransportOptions = {}) {
    this.bindAddress = canonicalIp(options.bindAddress ?? '0.0.0.0');
    const family = ipFamily(this.bindAddress);
    if (family === 0) throw new TransportError('ERR_BAD_ADDRESS', `bindAddress must be an IP: ${this.bindAddress}`);
    this.family = family;
    this.bindPort = checkPort(options.bindPort ?? 0, 'bindPort');
    if (options.advertisePort !== undefined) checkPort(options.advertisePort, 'advertisePort');
    if (options.advertiseAddress !== undefined) {
      if (ipFamily(options.advertiseAddress) === 0) {
        throw new TransportError('ERR_BAD_ADDRESS', `advertiseAddress must be an IP: ${options.advertiseAddress}`);
      }
      this.explicitAdvertise = canonicalIp(options.advertiseAddress);
    }
    this.maxPacketSize = options.maxPacketSize ?? 65536;
    this.maxStreamFrame = options.maxStreamFrame ?? 64 * 1024 * 1024;
    this.dialTimeoutMs = options.dialTimeoutMs ?? 10_000;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 5000;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? consoleLogger;
    this.drops = new LogRateLimiter(this.logger, this.clock);
  }

  /** The port both sockets are bound to (after {@link UdpTcpTransport.start}). */
  get port(): number {
    return this.boundPort;
  }

  async start(handlers: TransportHandlers): Promise<void> {
    if (this.state !== 'new') throw new TransportError('ERR_BIND', `transport already ${this.state}`);
    this.state = 'starting';
    const { udp, tcp, port } = await bindBoth(this.bindAddress, this.bindPort, this.family).catch((error: unknown) => {
      this.state = 'closed';
      throw error;
    });
    this.udp = udp;
    this.tcp = tcp;
    this.boundPort = port;
    if (this.state !== 'starting') {
      // shutdown() ran while we were binding: release what we just bound.
      this.state = 'new';
      await this.shutdown();
      throw new TransportError('ERR_CLOSED', 'transport was shut down while starting');
    }
    try {
      this.advertised = { ip: this.pickAdvertiseIp(), port: this.options.advertisePort ?? port };
    } catch (error) {
      await this.shutdown();
      throw error;
    }
    udp.on('message', (msg, rinfo) => this.onDatagram(handlers, msg, rinfo.address, rinfo.port));
    udp.on('error', (error) => this.logger.error({ error: String(error) }, 'UDP socket error'));
    tcp.on('connection', (socket) => this.onConnection(handlers, socket));
    tcp.on('error', (error) => this.logger.error({ error: String(error) }, 'TCP listener error'));
    this.state = 'running';
  }

  advertiseAddress(): AdvertiseAddress {
    if (this.advertised === undefined) throw new TransportError('ERR_CLOSED', 'transport is not started');
    return this.advertised;
  }

  sendPacket(to: string, data: Uint8Array): Promise<void> {
    const udp = this.udp;
    if (this.state !== 'running' || udp === undefined) {
      return Promise.reject(new TransportError('ERR_CLOSED', 'transport is not running'));
    }
    let host: string;
    let port: number;
    try {
      ({ host, port } = this.socketTarget(to));
    } catch (error) {
      return Promise.reject(fromSystemError(error, `bad address ${to}`));
    }
    if (data.length > 65535) {
      return Promise.reject(new TransportError('ERR_TOO_LARGE', `datagram of ${data.length} bytes`));
    }
    return new Promise((resolve, reject) => {
      udp.send(data, port, host, (error) => {
        if (error) {
          this.counters.sendErrors++;
          reject(fromSystemError(error, `send to ${to}`));
          return;
        }
        this.counters.packetsSent++;
        this.counters.bytesSent += data.length;
        resolve();
      });
    });
  }

  dial(to: string, options: DialOptions = {}): Promise<Stream> {
    if (this.state !== 'running') return Promise.reject(new TransportError('ERR_CLOSED', 'transport is not running'));
    let host: string;
    let port: number;
    try {
      ({ host, port } = this.socketTarget(to));
    } catch (error) {
      return Promise.reject(fromSystemError(error, `bad address ${to}`));
    }
    const remote = joinHostPort(canonicalIp(host), port);
    const wait = (options.deadline ?? this.clock.now() + this.dialTimeoutMs) - this.clock.now();
    if (wait <= 0) {
      // Like Go's DialTimeout with an expired deadline: fail at once rather than race the connect.
      this.counters.dialFailures++;
      return Promise.reject(new TransportError('ERR_TIMEOUT', `dial ${remote}: deadline already passed`));
    }
    const signal = options.signal;
    if (signal?.aborted) {
      this.counters.dialFailures++;
      return Promise.reject(new TransportError('ERR_ABORTED', `dial ${remote}: aborted`, { cause: signal.reason }));
    }
    return new Promise<Stream>((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      this.sockets.add(socket);
      let settled = false;
      const onAbort = (): void => fail(new TransportError('ERR_ABORTED', `dial ${remote}: aborted`, { cause: signal?.reason }));
      const fail = (error: TransportError) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.counters.dialFailures++;
        socket.destroy();
        reject(error);
      };
      socket.once('close', () => {
        this.sockets.delete(socket);
        // Shutdown destroys pending dials without an error event; the dial must still settle.
        fail(new TransportError('ERR_CLOSED', `dial ${remote}: transport shut down`));
      });
      const timer = this.clock.setTimeout(
        () => fail(new TransportError('ERR_TIMEOUT', `dial ${remote} timed out`)),
        wait,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (error) => fail(fromSystemError(error, `dial ${remote}`)));
      socket.once('connect', () => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        this.counters.streamsDialed++;
        resolve(this.wrap(socket, remote));
      });
    });
  }

  async resolve(address: string): Promise<string[]> {
    const { host, port } = splitHostPort(address);
    if (ipFamily(host) !== 0) return [joinHostPort(canonicalIp(host), port)];
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () => reject(new TransportError('ERR_RESOLVE', `lookup of ${host} timed out`)),
        this.resolveTimeoutMs,
      );
    });
    try {
      const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
      // Only addresses our sockets can reach: an IPv4 socket cannot send to IPv6, and a socket bound to a
      // specific IPv6 address cannot send to IPv4.
      const reachable = found.filter((a) =>
        this.family === 4 ? a.family === 4 : a.family === 6 || this.bindAddress === '::',
      );
      if (reachable.length === 0) throw new TransportError('ERR_RESOLVE', `${host} has no reachable address`);
      return [...new Set(reachable.map((a) => joinHostPort(canonicalIp(a.address), port)))];
    } catch (error) {
      throw error instanceof TransportError ? error : fromSystemError(error, `resolve ${host}`);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  async shutdown(): Promise<void> {
    if (this.state === 'closed' && this.udp === undefined && this.tcp === undefined) return;
    this.state = 'closed';
    this.drops.close();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
    // 'close' callbacks run before libuv has released the handles; two loop turns let it finish, so that
    // once shutdown resolves no socket handle of ours is left (process.getActiveResourcesInfo() agrees).
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** A snapshot of the counters. */
  stats(): UdpTcpStats {
    return structuredClone(this.counters);
  }

  private pickAdvertiseIp(): string {
    if (this.explicitAdvertise !== undefined) return this.explicitAdvertise;
    if (!ANY_ADDRESSES.has(this.bindAddress)) return this.bindAddress;
    const ip = detectPrivateIp();
    if (ip === undefined) {
      throw new TransportError(
        'ERR_BAD_ADDRESS',
        'no private IP address found to advertise, and no advertiseAddress given (memberlist behaves the same)',
      );
    }
    return canonicalIp(ip);
  }

  /** The host and port to hand the socket API for `to`, checked against the socket family. */
  private socketTarget(to: string): { host: string; port: number } {
    const { host, port } = splitHostPort(to);
    const family = ipFamily(host);
    if (family === 0) throw new TransportError('ERR_BAD_ADDRESS', `not an IP address (resolve it first): ${to}`);
    if (port === 0) throw new TransportError('ERR_BAD_ADDRESS', `port 0 is not a destination: ${to}`);
    if (this.family === 4 && family === 6) {
      throw new TransportError('ERR_UNREACHABLE', `IPv4 transport cannot reach IPv6 ${to}`);
    }
    // A dual-stack IPv6 socket reaches IPv4 peers through IPv4-mapped addresses.
    if (this.family === 6 && family === 4) return { host: `::ffff:${host}`, port };
    return { host, port };
  }

  private onDatagram(handlers: TransportHandlers, msg: Buffer, address: string, port: number): void {
    const receivedAt = this.clock.now();
    const from = joinHostPort(canonicalIp(address), port);
    if (msg.length < 1 || msg.length > this.maxPacketSize) {
      const reason = msg.length < 1 ? 'empty' : 'tooLarge';
      this.counters.packetsDropped[reason]++;
      this.drops.warn(
        `packet:${reason}`,
        { from, bytes: msg.length },
        `dropped ${reason === 'empty' ? 'an empty' : 'an oversized'} UDP packet`,
      );
      return;
    }
    this.counters.packetsReceived++;
    this.counters.bytesReceived += msg.length;
    handlers.onPacket({ data: new Uint8Array(msg.buffer, msg.byteOffset, msg.length), from, receivedAt });
  }

  private onConnection(handlers: TransportHandlers, socket: Socket): void {
    if (this.state !== 'running') {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.setNoDelay(true);
    this.counters.streamsAccepted++;
    const remote = joinHostPort(canonicalIp(socket.remoteAddress ?? '0.0.0.0'), socket.remotePort ?? 0);
    handlers.onStream(this.wrap(socket, remote));
  }

  private wrap(socket: Socket, remote: string): TcpStream {
    return new TcpStream(socket, remote, this.clock, this.maxStreamFrame, () => {
      this.counters.streamsTooLarge++;
      this.drops.warn('stream:tooLarge', { from: remote, limit: this.maxStreamFrame }, 'reset a stream that exceeded maxStreamFrame');
    });
  }
}

function checkPort(port: number, name: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TransportError('ERR_BAD_ADDRESS', `${name} must be an integer in [0, 65535], got ${port}`);
  }
  return port;
}
