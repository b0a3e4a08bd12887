/**
 * The UDP side of memberlist (spec §5): sending messages with piggybacked broadcasts, compression, CRC,
 * encryption and label, and taking received datagrams apart in the reverse order before dispatching each
 * message. Bad input is dropped with a typed reason, a log line and a counter; it never throws out of here.
 */
import type { InboundPacket } from '@gossip/transport';
import type {
  AckResp,
  Alive,
  Dead,
  DecodedMessage,
  IndirectPingReq,
  NackResp,
  Ping,
  Suspect,
  WireLimits,
} from '@gossip/wire';
import { WireError, addLabel, decodeMessage, encodeCompound, encodeCompress, splitHostPort, stripLabel, unwrapPacket, wrapCrc } from '@gossip/wire';
import type { EngineContext } from './context.js';
import { encryptOverhead } from '@gossip/wire';
import { type NodeRecord, bytesEqual } from './member.js';
import { MetricNames } from './metrics.js';

/** Bytes a compound spends per part (its length slot). */
export const COMPOUND_OVERHEAD = 2;
/** Bytes a compound header costs (type byte and count). */
export const COMPOUND_HEADER_OVERHEAD = 2;
/** Bytes a user message wrapper costs (its type byte). */
export const USER_MSG_OVERHEAD = 1;
/** Largest datagram accepted (Go reads 65 536 bytes per datagram). */
export const MAX_DATAGRAM = 65_536;

/** Where decoded packet messages go. */
export interface PacketHandlers {
  ping(p: Ping, from: string): void;
  indirectPing(p: IndirectPingReq, from: string): void;
  ack(a: AckResp, receivedAt: number): void;
  nack(n: NackResp): void;
  alive(a: Alive, from: string): void;
  suspect(s: Suspect): void;
  dead(d: Dead): void;
  user(payload: Uint8Array): void;
}

type StateMessage = Extract<DecodedMessage, { type: 'alive' | 'suspect' | 'dead' | 'user' }>;

/** Sends and receives datagrams for one node. */
export class PacketLayer {
  private handlers: PacketHandlers | undefined;
  private readonly limits: WireLimits;

  constructor(private readonly ctx: EngineContext) {
    this.limits = { maxDecompressedBytes: ctx.config.maxDecompressedBytes };
  }

  /** Connects the dispatch targets (done once, after every component exists). */
  setHandlers(handlers: PacketHandlers): void {
    this.handlers = handlers;
  }

  /**
   * Membership broadcasts, then the delegate's user broadcasts in the space left (memberlist's
   * `getBroadcasts`), each costing `overhead` bytes plus its length, `limit` bytes in all.
   */
  getBroadcasts(overhead: number, limit: number): Uint8Array[] {
    const msgs = this.ctx.broadcasts.getBroadcasts(overhead, limit);
    const delegate = this.ctx.config.delegate;
    if (delegate?.getBroadcasts === undefined) return msgs;
    let used = 0;
    for (const m of msgs) used += m.length + overhead;
    const avail = limit - used;
    if (avail <= overhead + USER_MSG_OVERHEAD) return msgs;
    let user: Uint8Array[];
    try {
      user = delegate.getBroadcasts(overhead + USER_MSG_OVERHEAD, avail);
    } catch (err) {
      this.ctx.logger.error({ err }, 'delegate getBroadcasts threw');
      return msgs;
    }
    for (const u of user) {
      if (u.length === 0) continue;
      const framed = new Uint8Array(u.length + 1);
      framed[0] = 8;
      framed.set(u, 1);
      msgs.push(framed);
    }
    return msgs;
  }

  /**
   * Sends one message to `to`, piggybacking as many queued broadcasts as fit in the UDP budget (memberlist's
   * `sendMsg`; used for pings, acks, nacks and indirect pings). Resolves false if the transport failed.
   */
  sendMsg(to: string, msg: Uint8Array): Promise<boolean> {
    const ctx = this.ctx;
    let avail = ctx.config.udpBufferSize - msg.length - COMPOUND_HEADER_OVERHEAD - ctx.labelOverhead();
    if (ctx.encrypting()) avail -= encryptOverhead(ctx.encryptionVersion());
    const extra = avail > 0 ? this.getBroadcasts(COMPOUND_OVERHEAD, avail) : [];
    if (extra.length === 0) return this.rawSend(to, undefined, msg);
    const packets = encodeCompound([msg, ...extra], ctx.config.maxCompoundParts);
    return this.sendAll(to, undefined, packets);
  }

  /** Sends several ready packets; resolves true only if every send worked. */
  async sendAll(to: string, node: NodeRecord | undefined, packets: readonly Uint8Array[]): Promise<boolean> {
    let ok = true;
    for (const p of packets) ok = (await this.rawSend(to, node, p)) && ok;
    return ok;
  }

  /**
   * Compresses (when smaller), adds a CRC for peers speaking protocol 5, encrypts and labels `msg`, then sends it
   * (memberlist's `rawSendMsgPacket`). Resolves false (after logging) if the transport failed.
   */
  async rawSend(to: string, node: NodeRecord | undefined, msg: Uint8Array): Promise<boolean> {
    const ctx = this.ctx;
    let buf = msg;
    try {
      if (ctx.config.enableCompression) {
        const compressed = encodeCompress(buf);
        if (compressed.length < buf.length) buf = compressed;
      }
      // memberlist only knows the destination when a node is passed, or when a node is named after the IP.
      const dest = node ?? this.nodeNamedAfterHost(to);
      if (dest !== undefined && (dest.vsn[1] ?? 0) >= 5) buf = wrapCrc(buf);
      if (ctx.encrypting() && ctx.config.cipher !== undefined) {
        buf = ctx.config.cipher.encrypt(buf, ctx.labelBytes, ctx.encryptionVersion());
      }
      if (ctx.labelBytes.length > 0) buf = addLabel(buf, ctx.labelBytes);
    } catch (err) {
      ctx.logger.error({ err, to }, 'failed to prepare packet');
      return false;
    }
    ctx.metrics.incrCounter(MetricNames.udpSent, buf.length);
    try {
      await ctx.transport.sendPacket(to, buf);
      return true;
    } catch (err) {
      if (!ctx.shuttingDown) ctx.logger.warn({ err, to }, 'failed to send packet');
      return false;
    }
  }

  private nodeNamedAfterHost(to: string): NodeRecord | undefined {
    try {
      return this.ctx.table.get(splitHostPort(to).host);
    } catch {
      return undefined;
    }
  }

  /** Entry point for every received datagram (memberlist's `ingestPacket`). Never throws. */
  ingest(packet: InboundPacket): void {
    const ctx = this.ctx;
    if (ctx.shuttingDown) return;
    const from = packet.from;
    ctx.metrics.incrCounter(MetricNames.udpReceived, packet.data.length);
    if (packet.data.length > MAX_DATAGRAM) {
      ctx.drop('packet', 'ERR_TOO_LARGE', `datagram of ${packet.data.length} bytes`, from);
      return;
    }
    let buf: Uint8Array;
    let labelBytes: Uint8Array;
    try {
      const stripped = stripLabel(packet.data);
      buf = stripped.rest;
      labelBytes = stripped.labelBytes;
    } catch (err) {
      ctx.drop('packet', 'ERR_LABEL', describe(err), from);
      return;
    }
    if (ctx.config.skipInboundLabelCheck) {
      if (labelBytes.length > 0) {
        ctx.drop('packet', 'ERR_LABEL', 'unexpected double packet label header', from);
        return;
      }
      labelBytes = ctx.labelBytes;
    } else if (!bytesEqual(labelBytes, ctx.labelBytes)) {
      ctx.drop('packet', 'ERR_LABEL', 'discarding packet with unacceptable label', from);
      return;
    }
    const cipher = ctx.config.cipher;
    if (cipher !== undefined) {
      try {
        buf = cipher.decrypt(buf, labelBytes);
      } catch (err) {
        if (ctx.gossipVerify.incoming) {
          ctx.drop('packet', 'ERR_ENCRYPTION', `decrypt failed: ${describe(err)}`, from);
          return;
        }
        // Rolling encryption out: tolerate plaintext while incoming verification is off.
      }
    }
    let messages: Uint8Array[];
    try {
      const unwrapped = unwrapPacket(buf, this.limits);
      messages = unwrapped.messages;
      for (const err of unwrapped.errors) ctx.drop('packet', wireCode(err), err.message, from);
    } catch (err) {
      ctx.drop('packet', wireCode(err), describe(err), from);
      return;
    }
    this.dispatch(messages, from, packet.receivedAt);
  }

  private dispatch(messages: readonly Uint8Array[], from: string, receivedAt: number): void {
    const ctx = this.ctx;
    const h = this.handlers;
    if (h === undefined) return;
    // memberlist hands alive messages to a high-priority queue and the rest to a low-priority one, each bounded
    // by HandoffQueueDepth; probes and acks are handled at once.
    const high: StateMessage[] = [];
    const low: StateMessage[] = [];
    for (const msg of messages) {
      let decoded: DecodedMessage;
      try {
        decoded = decodeMessage(msg, this.limits);
      } catch (err) {
        ctx.drop('packet', wireCode(err), describe(err), from);
        continue;
      }
      try {
        switch (decoded.type) {
          case 'ping':
            h.ping(decoded.body, from);
            break;
          case 'indirect':
            h.indirectPing(decoded.body, from);
            break;
          case 'ack':
            h.ack(decoded.body, receivedAt);
            break;
          case 'nack':
            h.nack(decoded.body);
            break;
          case 'alive':
          case 'suspect':
          case 'dead':
          case 'user': {
            const queue = decoded.type === 'alive' ? high : low;
            if (queue.length >= ctx.config.handoffQueueDepth) {
              ctx.metrics.incrCounter(MetricNames.handoffDropped, 1);
              ctx.logger.warn({ from, type: decoded.type }, 'handoff queue full, dropping message');
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
        if (m.type === 'alive') h.alive(m.body, from);
        else if (m.type === 'suspect') h.suspect(m.body);
        else if (m.type === 'dead') h.dead(m.body);
        else h.user(m.body);
      } catch (err) {
        ctx.logger.error({ err, from }, 'failed to handle packet message');
      }
    }
  }

  /** True if `from` (an `ip:port`) may send alive messages under `cidrsAllowed` (memberlist's `ensureCanConnect`). */
  sourceAllowed(from: string): boolean {
    if (this.ctx.cidrs === undefined) return true;
    try {
      return this.ctx.cidrs.allowsText(splitHostPort(from).host);
    } catch {
      return false;
    }
  }
}


/** The drop reason for a failure: the wire error's code, or a generic malformed. */
export function wireCode(err: unknown): string {
  return err instanceof WireError ? err.code : 'ERR_MALFORMED';
}

/** A one-line description of anything thrown. */
export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
