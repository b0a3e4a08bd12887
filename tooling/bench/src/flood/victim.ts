/**
 * A node under attack, wired as `createNode` wires one (options through `resolveNodeOptions`, a `UdpTcpTransport`,
 * the system clock and randomness), with what the flood tools need to see: the synchronous time each inbound
 * datagram holds the event loop, the metrics, and the bytes its log would have written.
 */
import { Memberlist } from '@gossip/core';
import type { InboundPacket, Stream, Transport, TransportHandlers } from '@gossip/transport';
import { UdpTcpTransport, systemClock, systemRandom } from '@gossip/transport';
import { type Logger, MemoryMetrics, type NodeOptions, prefixLogger, resolveNodeOptions } from 'gossip';
import { keyringCipher } from 'gossip';
import { RunQueueWait } from './run-queue.js';

/** A logger that renders each line as one JSON line would be, and only counts the bytes. */
export class CountingLogger implements Logger {
  bytes = 0;
  lines = 0;
  readonly debug = (): void => undefined;
  readonly info = (fields: Record<string, unknown>, msg: string): void => this.count('info', fields, msg);
  readonly warn = (fields: Record<string, unknown>, msg: string): void => this.count('warn', fields, msg);
  readonly error = (fields: Record<string, unknown>, msg: string): void => this.count('error', fields, msg);

  private count(level: string, fields: Record<string, unknown>, msg: string): void {
    this.lines++;
    this.bytes += JSON.stringify({ time: '2026-01-01T00:00:00.000Z', level, msg, ...fields }, (_k, v: unknown) => (v instanceof Error ? v.message : v)).length + 1;
  }
}

/** Wraps a transport and times, per datagram, how long the node's handler holds the event loop. */
class TimingTransport implements Transport {
  /** Duration (ms) of the last handled datagram, and the process CPU time (ms) it took. */
  last = 0;
  lastCpu = 0;
  /**
   * {@link TimingTransport.last} less the time the thread waited for a CPU meanwhile (see `RunQueueWait`), for a
   * datagram delivered with `measureOwn`.
   */
  lastOwn = 0;
  private readonly wait = new RunQueueWait();
  /** Longest so far. */
  max = 0;
  /** How many datagrams were handled. */
  handled = 0;
  /** Sum of handling times (ms), of CPU times (ms) and count of datagrams over 4 KiB (gossip stays under 1.4 KB). */
  largeTotal = 0;
  largeCpu = 0;
  largeCount = 0;
  private handlers: TransportHandlers | undefined;

  constructor(readonly inner: Transport) {}

  start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    return this.inner.start({
      onPacket: (p) => this.deliver(p),
      onStream: (s: Stream) => handlers.onStream(s),
    });
  }

  /**
   * Hands `packet` to the node as if it had arrived; returns how long that took (ms). `measureOwn` also sets
   * {@link TimingTransport.lastOwn} (two reads of the scheduler's figures, about 6 µs: not for every datagram of a
   * flood).
   */
  deliver(packet: InboundPacket, measureOwn = false): number {
    const cpu0 = process.cpuUsage();
    const wait0 = measureOwn ? this.wait.ms() : 0;
    const t0 = performance.now();
    this.handlers?.onPacket(packet);
    this.last = performance.now() - t0;
    if (measureOwn) this.lastOwn = Math.max(0, this.last - (this.wait.ms() - wait0));
    const cpu = process.cpuUsage(cpu0);
    this.lastCpu = (cpu.user + cpu.system) / 1000;
    this.max = Math.max(this.max, this.last);
    this.handled++;
    if (packet.data.length > 4096) {
      this.largeTotal += this.last;
      this.largeCpu += this.lastCpu;
      this.largeCount++;
    }
    return this.last;
  }

  advertiseAddress = (): ReturnType<Transport['advertiseAddress']> => this.inner.advertiseAddress();
  sendPacket = (to: string, data: Uint8Array): Promise<void> => this.inner.sendPacket(to, data);
  dial: Transport['dial'] = (to, options) => this.inner.dial(to, options);
  resolve = (address: string): Promise<string[]> => this.inner.resolve(address);
  shutdown = (): Promise<void> => {
    this.wait.close();
    return this.inner.shutdown();
  };
}

/** A running victim. */
export interface Victim {
  readonly node: Memberlist;
  readonly address: string;
  readonly metrics: MemoryMetrics;
  readonly log: CountingLogger;
  readonly timing: TimingTransport;
}

/** Starts a victim on `127.0.0.1` with a free port. */
export async function startVictim(name: string, options: Omit<NodeOptions, 'name' | 'bind'> = {}): Promise<Victim> {
  const log = new CountingLogger();
  const metrics = new MemoryMetrics();
  const { core, socket, keyring } = resolveNodeOptions({ preset: 'lan', ...options, name, bind: '127.0.0.1:0', logger: log, metrics });
  const inner = new UdpTcpTransport({
    ...socket,
    clock: systemClock,
    dialTimeoutMs: core.tcpTimeoutMs,
    logger: prefixLogger(log, { layer: 'transport' }),
  });
  const timing = new TimingTransport(inner);
  const node = await Memberlist.create({
    ...core,
    transport: timing,
    clock: systemClock,
    random: systemRandom,
    cipher: keyring === undefined ? undefined : keyringCipher(keyring),
  });
  const adv = timing.advertiseAddress();
  return { node, address: `${adv.ip}:${adv.port}`, metrics, log, timing };
}
