/**
 * The inbound router: every decoded message, from a datagram or a stream, passes here on its way to the
 * component that acts on it. It asks {@link Admission} whether the input may take part, applies memberlist's port
 * fix-up, keeps memberlist's priority (alive messages before other state messages of the same datagram; probes
 * and acks at once) and calls membership, the prober and push/pull directly.
 *
 * Datagram: transport → `PacketLayer.ingest` → {@link InboundRouter.packetMessages} → prober / membership.
 * Stream: transport → `StreamLayer.handleInbound` → {@link InboundRouter.mergeRemoteState} → push/pull → membership.
 */
import type { Alive, DecodedMessage, PushNodeState, PushPull } from '@gossip/wire';
import type { Admission } from './admission.js';
import type { EngineContext } from './context.js';
import type { Membership } from './membership.js';
import { MetricNames } from './metrics.js';
import type { PacketInbound } from './packet-layer.js';
import type { Prober } from './prober.js';
import type { PushPullState } from './push-pull.js';
import type { StreamInbound } from './stream-layer.js';

/** The state messages memberlist hands to its handoff queues instead of handling them at once. */
type StateMessage = Extract<DecodedMessage, { type: 'alive' | 'suspect' | 'dead' | 'user' }>;

/** Routes one node's inbound messages; see the module comment. */
export class InboundRouter implements PacketInbound, StreamInbound {
  constructor(
    private readonly ctx: EngineContext,
    private readonly admission: Admission,
    private readonly membership: Membership,
    private readonly prober: Prober,
    private readonly pushPull: PushPullState,
  ) {}

  /** The single admission point of datagrams, before any byte of them is taken apart. */
  admitDatagram(from: string, size: number): boolean {
    return this.admission.admitDatagram(from, size);
  }

  /** The admission point of inbound streams, before anything is read from them. */
  admitStream(from: string): boolean {
    return this.admission.admitStream(from);
  }

  /** The label check of datagrams and streams (see {@link Admission.acceptLabel}). */
  acceptLabel(kind: 'packet' | 'stream', label: Uint8Array, from: string): Uint8Array | undefined {
    return this.admission.acceptLabel(kind, label, from);
  }

  /** Gives back a stream admitted with {@link InboundRouter.admitStream}. */
  releaseStream(from: string): void {
    this.admission.streams.release(from);
  }

  /** Charges bytes an inbound stream buffers to the shared total (see `StreamAdmission.charge`). */
  chargeBytes(n: number, from: string): boolean {
    return this.admission.streams.charge(n, from);
  }

  /** Gives back bytes charged with {@link InboundRouter.chargeBytes}. */
  unchargeBytes(n: number): void {
    this.admission.streams.uncharge(n);
  }

  /** Takes an inbound push/pull slot, waiting briefly for one (see `StreamAdmission.acquirePushPull`). */
  acquirePushPull(from: string): Promise<boolean> {
    return this.admission.streams.acquirePushPull(from);
  }

  /** Gives back an inbound push/pull slot. */
  releasePushPull(): void {
    this.admission.streams.releasePushPull();
  }

  /**
   * Dispatches the messages of one datagram (memberlist's `handleCommand`). Probes and acks are handled at once;
   * alive messages go to a high-priority queue and the other state messages to a low-priority one, each bounded
   * by `handoffQueueDepth`, then the queues are drained, high first. A handler that throws is logged, never
   * allowed to stop the others.
   */
  packetMessages(messages: readonly DecodedMessage[], from: string, receivedAt: number): void {
    const ctx = this.ctx;
    const high: StateMessage[] = [];
    const low: StateMessage[] = [];
    let probes = 0;
    for (const decoded of messages) {
      try {
        if ((decoded.type === 'ping' || decoded.type === 'indirect') && ++probes > ctx.config.maxDatagramProbes) {
          // Each probe request makes us send a packet, to the source or to a target it names: a reflector's bound.
          ctx.drop('packet', 'ERR_TOO_LARGE', `more than ${ctx.config.maxDatagramProbes} probe requests in one datagram`, from);
          continue;
        }
        switch (decoded.type) {
          case 'ping':
            this.prober.handlePing(decoded.body, from);
            break;
          case 'indirect':
            decoded.body.port = this.fixPort(decoded.body.port);
            this.prober.handleIndirectPing(decoded.body, from);
            break;
          case 'ack':
            this.prober.handleAck(decoded.body, receivedAt);
            break;
          case 'nack':
            this.prober.handleNack(decoded.body);
            break;
          case 'alive':
          case 'suspect':
          case 'dead':
          case 'user': {
            const queue = decoded.type === 'alive' ? high : low;
            if (queue.length >= ctx.config.handoffQueueDepth) {
              ctx.metrics.incrCounter(MetricNames.handoffDropped, 1);
              ctx.remoteWarnings.warn('handoff', { from, type: decoded.type }, 'handoff queue full, dropping message');
            } else {
              queue.push(decoded);
            }
            break;
          }
          default:
            ctx.drop('packet', 'ERR_UNKNOWN_TYPE', `message type ${decoded.type} not supported on packets`, from);
        }
      } catch (err) {
        ctx.logger.error({ err, from }, 'failed to handle packet message');
      }
    }
    for (const m of [...high, ...low]) {
      try {
        if (m.type === 'alive') this.alive(m.body, from);
        else if (m.type === 'suspect') this.membership.suspectNode(m.body);
        else if (m.type === 'dead') this.membership.deadNode(m.body);
        else this.userMessage(m.body);
      } catch (err) {
        ctx.logger.error({ err, from }, 'failed to handle packet message');
      }
    }
  }

  /** See {@link Membership.isDuplicateAlive}. */
  isDuplicateAlive(msg: Uint8Array): boolean {
    return this.membership.isDuplicateAlive(msg);
  }

  /** Our push/pull state, for the stream layer to send. */
  localState(join: boolean): PushPull {
    return this.pushPull.localState(join);
  }

  /** See {@link PushPullState.heldEntries}. */
  heldEntries(): ((name: string) => Uint8Array | undefined) | undefined {
    return this.pushPull.heldEntries();
  }

  /**
   * A remote push/pull (served or dialed): ports fixed up, then verified and merged in batches; rejects with a
   * MemberlistError. `quiet`: an answer that only repairs our own view (see Membership.mergeEntry).
   */
  mergeRemoteState(join: boolean, states: PushNodeState[], userState: Uint8Array, quiet = false): Promise<void> {
    for (const s of states) s.port = this.fixPort(s.port);
    return this.pushPull.mergeRemoteState(join, states, userState, quiet);
  }

  /** A user message, from a datagram or a stream, for the delegate's `notifyMsg`. */
  userMessage(payload: Uint8Array): void {
    const delegate = this.ctx.config.delegate;
    if (delegate?.notifyMsg === undefined) return;
    try {
      delegate.notifyMsg(payload);
    } catch (err) {
      this.ctx.logger.error({ err }, 'delegate notifyMsg threw');
    }
  }

  /** An alive from a datagram (memberlist's `handleAlive`): its source and its address must be admitted. */
  private alive(a: Alive, from: string): void {
    if (!this.admission.sourceAllowed(from) || !this.admission.addressAllowed(a.addr)) {
      this.ctx.drop('packet', 'ERR_CIDR', 'alive from or about an address outside cidrsAllowed', from);
      return;
    }
    a.port = this.fixPort(a.port);
    this.membership.aliveNode(a);
  }

  /** memberlist substitutes its own port for port 0, and for every port when speaking protocol 1. */
  private fixPort(port: number): number {
    return this.ctx.config.protocolVersion < 2 || port === 0 ? this.ctx.self.port : port;
  }
}
