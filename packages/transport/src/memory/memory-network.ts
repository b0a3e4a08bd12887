import { canonicalAddress, canonicalIp, ipFamily, joinHostPort, splitHostPort } from '../address.js';
import type { Clock, Random } from '../runtime.js';
import { TransportError, type AbortSignalLike, type Stream } from '../transport.js';
import {
  STREAM_RTO,
  chance,
  reorderDelay,
  retransmitTimeout,
  sampleDelay,
  sampleSlowDelay,
  validateFaults,
  validateSlow,
  type LinkFaults,
  type SlowNode,
} from './link-faults.js';
import { MemoryEndpoint, type MemoryEndpointOptions } from './memory-endpoint.js';
import { emptyStats, type MemoryNetworkStats, type NetworkEvent, type PacketDropReason } from './memory-stats.js';
import { MemoryStream, type StreamLink } from './memory-stream.js';
import { PartitionTable, type Partition } from './partitions.js';

/** How a crashed node looks to the rest of the network. */
export type CrashMode =
  /** Its host is up but the process is gone: dials get ERR_REFUSED, its open streams are reset. */
  | 'refuse'
  /** The whole host is gone: dials and open streams hang until their deadline (ERR_TIMEOUT). */
  | 'blackhole';

/** Options for {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** All delays and deadlines run on this clock (a `VirtualClock` for deterministic runs). */
  readonly clock: Clock;
  /** Every fault decision draws from this generator (a seeded one for reproducible runs). */
  readonly random: Random;
  /** Faults on every link unless a node or link setting overrides them. Default: a perfect network. */
  readonly defaults?: LinkFaults;
  /** How long a dial without its own deadline waits before ERR_TIMEOUT. Default 10 000 ms (memberlist's TCPTimeout). */
  readonly dialTimeoutMs?: number;
  /** Observer for every delivery, drop and stream outcome (e.g. to record a trace). Must not throw. */
  readonly onEvent?: (event: NetworkEvent) => void;
}

/**
 * An in-process network for tests and simulations: endpoints named by `ip:port` exchange packets and streams
 * through the injected clock, with faults drawn from the injected random source, so one seed replays the same
 * run exactly.
 *
 * Fault precedence, per field: link (`setLink`) over the receiver's node faults over the sender's node faults
 * over the network defaults. Partitions, crashes and slow nodes apply on top.
 */
export class MemoryNetwork {
  /** The network's clock (shared with its endpoints). */
  readonly clock: Clock;
  /** The network's random source. */
  readonly random: Random;
  private defaults: LinkFaults;
  private readonly dialTimeoutMs: number;
  private readonly onEvent: ((event: NetworkEvent) => void) | undefined;
  private readonly endpoints = new Map<string, MemoryEndpoint>();
  private readonly links = new Map<string, LinkFaults>();
  private readonly nodeFaults = new Map<string, LinkFaults>();
  private readonly slowNodes = new Map<string, SlowNode>();
  private readonly crashed = new Map<string, CrashMode>();
  private readonly paused = new Map<string, number>();
  private readonly hosts = new Map<string, string[]>();
  private readonly partitions = new PartitionTable();
  private counters: MemoryNetworkStats = emptyStats();
  /** @internal Streams see the network through this narrow view. */
  readonly streamLink: StreamLink;

  constructor(options: MemoryNetworkOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.defaults = validateFaults(options.defaults ?? {});
    this.dialTimeoutMs = options.dialTimeoutMs ?? 10_000;
    this.onEvent = options.onEvent;
    this.streamLink = {
      clock: this.clock,
      segmentAttempt: (from, to) => this.segmentAttempt(from, to),
      heldUntil: (address) => this.heldUntil(address),
      countStreamBytes: (n) => void (this.counters.streamBytes += n),
      released: (stream) => this.endpoints.get(stream.localAddress)?.releaseStream(stream),
    };
  }

  /**
   * Creates the endpoint (a full {@link Transport}) for `address` (`ip:port`, e.g. `10.0.0.1:7946`). An address
   * can be reused once its previous endpoint has shut down, which models a process restart.
   */
  endpoint(address: string, options: MemoryEndpointOptions = {}): MemoryEndpoint {
    const canonical = canonicalAddress(address);
    if (ipFamily(splitHostPort(canonical).host) === 0) {
      throw new TransportError('ERR_BAD_ADDRESS', `endpoint addresses must be IP literals: ${address}`);
    }
    if (this.endpoints.has(canonical)) throw new TransportError('ERR_BIND', `address in use: ${canonical}`);
    const endpoint = new MemoryEndpoint(this, canonical, options);
    this.endpoints.set(canonical, endpoint);
    return endpoint;
  }

  /** Replaces the network-wide default faults. */
  setDefaults(faults: LinkFaults): void {
    this.defaults = validateFaults(faults);
  }

  /** Sets faults on the directional link `from` → `to`; `undefined` removes the override. */
  setLink(from: string, to: string, faults: LinkFaults | undefined): void {
    const key = linkKey(canonicalAddress(from), canonicalAddress(to));
    if (faults === undefined) this.links.delete(key);
    else this.links.set(key, validateFaults(faults));
  }

  /** Sets the same faults on both directions between `a` and `b`. */
  setLinkBothWays(a: string, b: string, faults: LinkFaults | undefined): void {
    this.setLink(a, b, faults);
    this.setLink(b, a, faults);
  }

  /** Sets faults on every packet to or from `address`; `undefined` removes them. */
  setNodeFaults(address: string, faults: LinkFaults | undefined): void {
    const key = canonicalAddress(address);
    if (faults === undefined) this.nodeFaults.delete(key);
    else this.nodeFaults.set(key, validateFaults(faults));
  }

  /**
   * Cuts `groupA` off from `groupB`, or from everyone else when `groupB` is omitted. Packets across the cut are
   * dropped; streams across it stall (their segments are retransmitted with backoff and flow again once the cut
   * heals); dials across it retry their SYN and time out unless the cut heals first. Returns a handle that heals just this cut.
   */
  partition(groupA: Iterable<string>, groupB?: Iterable<string>): Partition {
    const canon = (g: Iterable<string>) => Array.from(g, canonicalAddress);
    return this.partitions.add(canon(groupA), groupB === undefined ? undefined : canon(groupB));
  }

  /** Removes every partition. */
  heal(): void {
    this.partitions.clear();
  }

  /** Whether a partition separates `from` and `to`. */
  isPartitioned(from: string, to: string): boolean {
    return this.partitions.isCut(canonicalAddress(from), canonicalAddress(to));
  }

  /** Delays everything delivered to `address` by a uniform [minDelayMs, maxDelayMs]; `undefined` clears it. */
  setSlow(address: string, slow: SlowNode | undefined): void {
    const key = canonicalAddress(address);
    if (slow === undefined) this.slowNodes.delete(key);
    else this.slowNodes.set(key, validateSlow(slow));
  }

  /**
   * Crashes the node at `address`: it silently drops everything sent to it and nothing it sends leaves. Its
   * open streams are reset (`'refuse'`, default) or go silent (`'blackhole'`). Its code keeps running — pair
   * with the node's own shutdown to model a dead process.
   */
  crash(address: string, mode: CrashMode = 'refuse'): void {
    const key = canonicalAddress(address);
    if (mode === 'refuse') this.endpoints.get(key)?.abortStreams();
    this.crashed.set(key, mode);
  }

  /**
   * Pauses the process at `address` for `durationMs` (a stop-the-world GC, a SIGSTOP, a starved VM): nothing
   * is handed to it — packets, stream data, accepted connections — until the pause ends, when everything that
   * arrived meanwhile is delivered at once, in order. Its kernel still completes handshakes and buffers data.
   * Overlapping pauses extend each other. The node's own timers are the caller's business (a simulator pauses
   * the node's clock for the same span).
   */
  pause(address: string, durationMs: number): void {
    if (!(durationMs >= 0 && Number.isFinite(durationMs))) throw new RangeError(`pause needs durationMs >= 0, got ${durationMs}`);
    const key = canonicalAddress(address);
    const until = this.clock.now() + durationMs;
    if (until > this.heldUntil(key)) this.paused.set(key, until);
  }

  /** Until when the process at `address` is paused, or 0 when it is running. */
  heldUntil(address: string): number {
    if (this.paused.size === 0) return 0;
    const until = this.paused.get(address);
    if (until === undefined) return 0;
    if (until <= this.clock.now()) {
      this.paused.delete(address);
      return 0;
    }
    return until;
  }

  /** Undoes {@link MemoryNetwork.crash}: the endpoint receives and sends again. */
  restore(address: string): void {
    this.crashed.delete(canonicalAddress(address));
  }

  /** Whether `address` is crashed. */
  isCrashed(address: string): boolean {
    return this.crashed.has(canonicalAddress(address));
  }

  /** Makes `resolve('name:port')` return the given IPs with that port, like a DNS entry. */
  addHost(name: string, ips: readonly string[]): void {
    if (ips.length === 0 || ips.some((ip) => ipFamily(ip) === 0)) {
      throw new TransportError('ERR_BAD_ADDRESS', `host ${name} needs IP literals`);
    }
    this.hosts.set(name.toLowerCase(), ips.map(canonicalIp));
  }

  /** A snapshot of the counters. */
  stats(): MemoryNetworkStats {
    return structuredClone(this.counters);
  }

  /** Zeroes the counters. */
  resetStats(): void {
    this.counters = emptyStats();
  }

  /** Addresses with a live (not shut down) endpoint. */
  addresses(): string[] {
    return [...this.endpoints.keys()];
  }

  /** @internal */
  resolveHost(address: string): string[] {
    const { host, port } = splitHostPort(address);
    if (ipFamily(host) !== 0) return [joinHostPort(canonicalIp(host), port)];
    const ips = this.hosts.get(host.toLowerCase());
    if (ips === undefined) throw new TransportError('ERR_RESOLVE', `no such host: ${host}`);
    return ips.map((ip) => joinHostPort(ip, port));
  }

  /** @internal Forgets a shut-down endpoint so its address can be reused. */
  unregister(endpoint: MemoryEndpoint): void {
    if (this.endpoints.get(endpoint.address) === endpoint) this.endpoints.delete(endpoint.address);
  }

  /** @internal */
  countTooLarge(): void {
    this.counters.packetsTooLarge++;
  }

  /** @internal Routes one datagram through the fault model. `data` is already a private copy. */
  routePacket(from: string, to: string, data: Uint8Array): void {
    const c = this.counters;
    c.packetsSent++;
    c.bytesSent += data.length;
    if (this.crashed.has(from) || this.crashed.has(to)) return this.drop(from, to, data.length, 'crashed');
    if (this.partitions.isCut(from, to)) return this.drop(from, to, data.length, 'partition');
    const faults = this.faultsFor(from, to);
    if (chance(faults.lossRate, this.random)) return this.drop(from, to, data.length, 'loss');
    const copies = chance(faults.duplicateRate, this.random) ? 2 : 1;
    if (copies === 2) c.packetsDuplicated++;
    for (let i = 0; i < copies; i++) {
      let delay = sampleDelay(faults, this.random) + sampleSlowDelay(this.slowNodes.get(to), this.random);
      if (chance(faults.reorderRate, this.random)) {
        c.packetsReordered++;
        delay += reorderDelay(faults);
      }
      const payload = i === 0 ? data : data.slice();
      this.clock.setTimeout(() => this.deliver(from, to, payload), delay);
    }
  }

  /**
   * @internal Opens a stream: the SYN travels, the target accepts or refuses, the answer travels back. A SYN or
   * answer lost to loss or a partition is retried after 1 s, doubling ({@link STREAM_RTO}), until the deadline.
   * An abort gives up at once; the SYN still travels, and an accept that arrives afterwards is torn down (RST).
   */
  openStream(from: string, to: string, deadline: number | undefined, signal?: AbortSignalLike): Promise<Stream> {
    const clock = this.clock;
    const giveUpAt = deadline ?? clock.now() + this.dialTimeoutMs;
    const dialer = this.endpoints.get(from);
    if (signal?.aborted) {
      return Promise.reject(new TransportError('ERR_ABORTED', `dial ${to}: aborted`, { cause: signal.reason }));
    }
    return new Promise<Stream>((resolve, reject) => {
      let settled = false;
      let synLosses = 0;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        reject(new TransportError('ERR_ABORTED', `dial ${to}: aborted`, { cause: signal?.reason }));
      };
      const timer = clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        this.counters.streamsTimedOut++;
        this.emit({ type: 'stream-failed', at: clock.now(), from, to, reason: 'timeout' });
        reject(new TransportError('ERR_TIMEOUT', `dial ${to} timed out`));
      }, giveUpAt - clock.now());
      signal?.addEventListener('abort', onAbort, { once: true });
      /** Whether the dial is still waiting; if so, it is now settled (the caller resolves or rejects it). */
      const settleNow = (): boolean => {
        if (settled) return false;
        settled = true;
        clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const retry = (): void => {
        synLosses++;
        if (synLosses > STREAM_RTO.maxRetries) return;
        clock.setTimeout(() => {
          if (!settled) sendSyn();
        }, retransmitTimeout(STREAM_RTO.synInitialMs, synLosses));
      };
      const arrive = (): void => {
        if (settled) return;
        const target = this.endpoints.get(to);
        const crash = this.crashed.get(to);
        if (crash === 'blackhole' || this.crashed.has(from)) return;
        if (this.partitions.isCut(from, to)) return retry(); // the cut came up while the SYN travelled
        const refusing = target === undefined || !target.listening || crash === 'refuse';
        // A refusing crashed host's kernel still answers (RST), so its crash does not swallow the refusal.
        const back = this.segmentAttempt(to, from, crash === 'refuse');
        if (back === 'gone') return; // the answer never comes: the dial times out
        if (back === 'lost') return retry();
        if (refusing) {
          clock.setTimeout(() => {
            if (!settleNow()) return;
            this.counters.streamsRefused++;
            this.emit({ type: 'stream-failed', at: clock.now(), from, to, reason: 'refused' });
            reject(new TransportError('ERR_REFUSED', `connection refused by ${to}`));
          }, back);
          return;
        }
        const local = new MemoryStream(this.streamLink, from, to, dialer?.maxStreamBytes ?? Infinity);
        const remote = new MemoryStream(this.streamLink, to, from, target.maxStreamBytes);
        MemoryStream.pair(local, remote);
        dialer?.adoptStream(local);
        target.adoptStream(remote);
        this.counters.streamsOpened++;
        this.emit({ type: 'stream-opened', at: clock.now(), from, to });
        // A paused process accepts the connection its kernel completed once it runs again.
        const held = this.heldUntil(to) - clock.now();
        if (held > 0) clock.setTimeout(() => target.acceptStream(remote), held);
        else target.acceptStream(remote);
        clock.setTimeout(() => {
          // A dialer that gave up meanwhile tears the accepted side down, as its kernel would (RST).
          if (!settleNow()) return local.destroy();
          if (dialer === undefined || dialer.isShutDown) {
            local.destroy();
            reject(new TransportError('ERR_CLOSED', `${from} shut down while dialing`));
          } else resolve(local);
        }, back);
      };
      const sendSyn = (): void => {
        // A SYN to a refusing crashed host still reaches its kernel; one to a black hole, or from a crashed node, is lost.
        const there = this.segmentAttempt(from, to, this.crashed.get(to) === 'refuse' && !this.crashed.has(from));
        if (there === 'gone') return;
        if (there === 'lost') return retry();
        clock.setTimeout(arrive, there);
      };
      sendSyn();
    });
  }

  /**
   * The fate of one stream segment (or SYN) `from` → `to`: its delay (latency, jitter, slowness), `'lost'` to
   * random loss or a partition (TCP retransmits it), or `'gone'` when either host is crashed (`throughCrash`
   * ignores crashes: a refusing host's kernel still answers).
   */
  private segmentAttempt(from: string, to: string, throughCrash = false): number | 'lost' | 'gone' {
    if (!throughCrash && (this.crashed.has(from) || this.crashed.has(to))) return 'gone';
    if (this.partitions.isCut(from, to)) {
      this.counters.streamSegmentsLost++;
      return 'lost';
    }
    const faults = this.faultsFor(from, to);
    if (chance(faults.streamLossRate ?? faults.lossRate, this.random)) {
      this.counters.streamSegmentsLost++;
      return 'lost';
    }
    return sampleDelay(faults, this.random) + sampleSlowDelay(this.slowNodes.get(to), this.random);
  }

  private faultsFor(from: string, to: string): LinkFaults {
    if (this.links.size === 0 && this.nodeFaults.size === 0) return this.defaults;
    const link = this.links.get(linkKey(from, to));
    const src = this.nodeFaults.get(from);
    const dst = this.nodeFaults.get(to);
    if (link === undefined && src === undefined && dst === undefined) return this.defaults;
    return { ...this.defaults, ...src, ...dst, ...link };
  }

  private deliver(from: string, to: string, data: Uint8Array): void {
    if (this.crashed.has(to)) return this.drop(from, to, data.length, 'crashed');
    const held = this.heldUntil(to) - this.clock.now();
    if (held > 0) {
      this.clock.setTimeout(() => this.deliver(from, to, data), held);
      return;
    }
    const target = this.endpoints.get(to);
    if (target === undefined || !target.listening) return this.drop(from, to, data.length, 'unreachable');
    this.counters.packetsDelivered++;
    this.counters.bytesDelivered += data.length;
    this.emit({ type: 'packet-delivered', at: this.clock.now(), from, to, size: data.length });
    target.acceptPacket(from, data);
  }

  private drop(from: string, to: string, size: number, reason: PacketDropReason): void {
    this.counters.packetsDropped[reason]++;
    this.emit({ type: 'packet-dropped', at: this.clock.now(), from, to, size, reason });
  }

  private emit(event: NetworkEvent): void {
    this.onEvent?.(event);
  }
}

function linkKey(from: string, to: string): string {
  return `${from}>${to}`;
}
