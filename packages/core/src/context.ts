/**
 * The shared state of one node's engine: configuration, injected runtime, member list, broadcast queue, health
 * and the bits of identity every protocol component needs. One object, passed to each component, instead of a
 * web of back references.
 */
import { LogRateLimiter } from '@gossip/transport';
import type { Clock, Logger, Random, TimerHandle, Transport } from '@gossip/transport';
import type { Awareness } from './awareness.js';
import type { TransmitLimitedQueue } from './broadcast-queue.js';
import type { CidrAllowList } from './cidr.js';
import type { ResolvedConfig } from './config.js';
import type { EventHub } from './events.js';
import { IsolationDetector } from './isolation.js';
import type { MetricsSink } from './metrics.js';
import { MetricNames } from './metrics.js';
import type { NodeTable } from './node-table.js';

/** Where this node can be reached, as advertised in its messages. */
export interface SelfAddress {
  /** 4 or 16 raw bytes. */
  readonly addr: Uint8Array;
  /** Text form of {@link SelfAddress.addr}. */
  readonly ip: string;
  readonly port: number;
}

/** Shared engine state; see the module comment. */
export class EngineContext {
  /** This node's name. */
  readonly name: string;
  /** Encoded label (empty when none), the AAD prefix and header content. */
  readonly labelBytes: Uint8Array;
  /** Whether outgoing traffic is encrypted / incoming must be (runtime-switchable). */
  gossipVerify: { incoming: boolean; outgoing: boolean };
  /** Set once `leave()` started: alive messages about ourselves are then ignored. */
  leaving = false;
  /** Set once `shutdown()` started: components stop scheduling work. */
  shuttingDown = false;
  /** This node's address; set when the transport has started. */
  self: SelfAddress = { addr: new Uint8Array(4), ip: '0.0.0.0', port: 0 };
  /**
   * The last node not in our list that pinged us by name, and when: it knows us, so a slow join may push/pull with
   * it (join.ts `hedgedJoinExchange`).
   */
  lastUnknownPinger: { readonly address: string; readonly at: number } | undefined = undefined;
  /** Whether we seem cut off from the cluster (isolation awareness): fed by the prober, read by suspicions. */
  readonly isolation: IsolationDetector;
  /**
   * Warnings caused by what remote senders send (drops, refused members, refutations) go through here: a few per
   * reason, then one summary line per interval, so a flood of bad input cannot flood the log.
   */
  readonly remoteWarnings: LogRateLimiter;
  private incarnation = 0;
  private sequence = 0;

  constructor(
    readonly config: ResolvedConfig,
    readonly transport: Transport,
    readonly clock: Clock,
    readonly random: Random,
    readonly logger: Logger,
    readonly metrics: MetricsSink,
    readonly table: NodeTable,
    readonly broadcasts: TransmitLimitedQueue,
    readonly awareness: Awareness,
    readonly events: EventHub,
    readonly cidrs: CidrAllowList | undefined,
  ) {
    this.name = config.name;
    this.labelBytes = new TextEncoder().encode(config.label ?? '');
    this.gossipVerify = { incoming: config.gossipVerifyIncoming, outgoing: config.gossipVerifyOutgoing };
    this.isolation = new IsolationDetector(clock, config.isolationAwareness);
    this.remoteWarnings = new LogRateLimiter(logger, clock, {
      burst: config.dropLogBurst,
      intervalMs: config.dropLogIntervalMs,
    });
  }

  /** The next probe sequence number (uint32, starting at 1, wrapping). */
  nextSeqNo(): number {
    this.sequence = (this.sequence + 1) >>> 0;
    return this.sequence;
  }

  /** Bumps and returns our incarnation number. */
  nextIncarnation(): number {
    this.incarnation = Math.min(this.incarnation + 1, 0xffffffff);
    return this.incarnation;
  }

  /** Raises our incarnation to at least `value` (refutation of an accusation at a higher incarnation). */
  raiseIncarnation(value: number): number {
    this.incarnation = Math.min(Math.max(this.incarnation, value), 0xffffffff);
    return this.incarnation;
  }

  /** Whether packets and streams we send are encrypted. */
  encrypting(): boolean {
    return this.config.cipher !== undefined && this.gossipVerify.outgoing;
  }

  /** Encryption version we send (memberlist: 0 when speaking protocol 1, else 1). */
  encryptionVersion(): 0 | 1 {
    return this.config.protocolVersion < 2 ? 0 : 1;
  }

  /** Bytes a label header takes in a packet. */
  labelOverhead(): number {
    return this.labelBytes.length === 0 ? 0 : 2 + this.labelBytes.length;
  }

  /** `[pmin, pmax, pcur, dmin, dmax, dcur]` we advertise. */
  vsn(): Uint8Array {
    const c = this.config;
    return Uint8Array.of(1, 5, c.protocolVersion, c.delegateProtocolMin, c.delegateProtocolMax, c.delegateProtocolVersion);
  }

  /** True if some member other than us is neither dead nor left (memberlist's `anyAlive`). */
  anyAlive(): boolean {
    for (const n of this.table.all()) {
      if (n.name !== this.name && n.state !== 'dead' && n.state !== 'left') return true;
    }
    return false;
  }

  /** A random delay in [0, `intervalMs`) before a periodic timer's first tick, so nodes started together do not fire together. */
  stagger(intervalMs: number): number {
    return this.random.int(Math.max(1, Math.floor(intervalMs)));
  }

  /** Clears `handle` if one is set; returns `undefined` to store back (`this.timer = ctx.cancelTimer(this.timer)`). */
  cancelTimer(handle: TimerHandle): undefined {
    if (handle !== undefined) this.clock.clearTimeout(handle);
    return undefined;
  }

  /**
   * Records a dropped inbound packet or stream: a counter labelled with the reason (every drop), and a warning
   * line rate-limited per kind and reason.
   */
  drop(kind: 'packet' | 'stream', code: string, reason: string, from: string): void {
    this.metrics.incrCounter(kind === 'packet' ? MetricNames.packetDropped : MetricNames.streamDropped, 1, { code });
    this.remoteWarnings.warn(`${kind}:${code}`, { from, code }, `dropped ${kind}: ${reason}`);
  }
}
