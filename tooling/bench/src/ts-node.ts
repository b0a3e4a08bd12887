/**
 * One TS benchmark node on real loopback sockets, wired exactly as the `gossip` umbrella's `createNode` wires
 * one (options resolved by `resolveNodeOptions`, a `UdpTcpTransport` with the system clock and the bridged
 * logger, `Memberlist.create` with the system clock and randomness), except that the transport is wrapped in a
 * {@link CountingTransport} so traffic can be counted — `createNode` does not hand its transport out.
 */
import { Memberlist } from '@gossip/core';
import { UdpTcpTransport, systemClock, systemRandom } from '@gossip/transport';
import { type NodeOptions, prefixLogger, resolveNodeOptions, silentLogger } from 'gossip';
import { CountingTransport, type SlowDelay, type TrafficCounters } from './counting-transport.js';
import { Observer } from './observer.js';

/** memberlist preset names the benchmarks use. */
export type BenchPreset = 'lan' | 'local';

/** What the scenarios need from a node, wherever it runs (this process or a child). */
export interface BenchNode {
  readonly name: string;
  /** `127.0.0.1:port`. */
  readonly address: string;
  readonly observer: Observer;
  /** Set once crashed, left or shut down. */
  readonly stopped: boolean;
  /** Joins through `seed`; resolves with the number of nodes contacted. */
  join(seed: string): Promise<number>;
  /** Shutdown without leave: timers stopped, sockets closed (what a killed process looks like). */
  crash(): Promise<void>;
  /** Graceful leave (waits up to `timeoutMs` for the broadcast), then shutdown. */
  leave(timeoutMs: number): Promise<void>;
  /** Traffic sent so far. */
  counters(): Promise<TrafficCounters>;
  /** Lifeguard health score. */
  healthScore(): Promise<number>;
  /** Stops the node if it is still running. */
  shutdown(): Promise<void>;
}

/** A node living in this process. */
export class LocalBenchNode implements BenchNode {
  stopped = false;

  private constructor(
    readonly name: string,
    readonly address: string,
    readonly observer: Observer,
    readonly list: Memberlist,
    readonly transport: CountingTransport,
  ) {}

  /** Creates and starts a node named `name` on `127.0.0.1` with a free port (`extra`: more createNode options). */
  static async create(
    name: string,
    preset: BenchPreset,
    observer = new Observer(),
    extra: Pick<NodeOptions, 'metrics'> = {},
  ): Promise<LocalBenchNode> {
    const { core, socket } = resolveNodeOptions({
      ...extra,
      name,
      bind: '127.0.0.1:0',
      preset,
      logger: observer.logger,
      events: observer.events,
    });
    const inner = new UdpTcpTransport({
      ...socket,
      clock: systemClock,
      dialTimeoutMs: core.tcpTimeoutMs,
      logger: prefixLogger(core.logger ?? silentLogger, { layer: 'transport' }),
    });
    const transport = new CountingTransport(inner);
    const list = await Memberlist.create({ ...core, transport, clock: systemClock, random: systemRandom });
    const adv = transport.advertiseAddress();
    return new LocalBenchNode(name, `${adv.ip}:${adv.port}`, observer, list, transport);
  }

  join(seed: string): Promise<number> {
    return this.list.join([seed]);
  }

  async crash(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.list.shutdown();
  }

  async leave(timeoutMs: number): Promise<void> {
    this.stopped = true;
    try {
      await this.list.leave(timeoutMs);
    } finally {
      await this.list.shutdown();
    }
  }

  counters(): Promise<TrafficCounters> {
    return Promise.resolve(this.transport.snapshot());
  }

  healthScore(): Promise<number> {
    return Promise.resolve(this.list.healthScore());
  }

  /** Delays inbound traffic like the Go harness's slow switch (`undefined` turns it off). */
  setSlow(delay: SlowDelay | undefined): void {
    this.transport.setSlow(delay);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.list.shutdown();
  }
}
