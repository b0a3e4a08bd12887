/**
 * The UDP side of memberlist (PROTOCOL.md §5): sending messages with piggybacked broadcasts, compression, CRC,
 * encryption and label, and taking received datagrams apart in the reverse order, handing the decoded messages to
 * the inbound router (router.ts). Bad input is dropped with a typed reason, a log line and a counter; it never
 * throws out of here.
 */
import type { InboundPacket } from '@gossip/transport';
import type { DecodedMessage, WireLimits } from '@gossip/wire';
import {
  MAX_COMPOUND_PARTS,
  MessageType,
  WireError,
  addLabel,
  decodeMessage,
  encodeCompound,
  encodeCompress,
  encryptOverhead,
  splitHostPort,
  stripLabel,
  unwrapPacket,
  wrapCrc,
} from '@gossip/wire';
import type { EngineContext } from './context.js';
import type { NodeRecord } from './member.js';
import { MetricNames } from './metrics.js';

/** Bytes a compound spends per part (its length slot). */
export const COMPOUND_OVERHEAD = 2;
/** Bytes a compound header costs (type byte and count). */
export const COMPOUND_HEADER_OVERHEAD = 2;
/** Bytes a user message wrapper costs (its type byte). */
export const USER_MSG_OVERHEAD = 1;

/** At most this many times a packet's space is gathered in messages when compression is on. */
const MAX_PACK_FACTOR = 2;
/** Gather this much less than the running compression ratio promises, so that a split is the exception. */
const PACK_MARGIN = 1.15;
/** Weight of the newest compound in the running compression ratio. */
const RATIO_WEIGHT = 1 / 8;

/** Where received datagrams go: the inbound router (router.ts). */
export interface PacketInbound {
  /** Whether a datagram of `size` bytes from `from` is read at all (the one datagram admission point). */
  admitDatagram(from: string, size: number): boolean;
  /** The label to authenticate the datagram with, or undefined when its label is refused. */
  acceptLabel(kind: 'packet', label: Uint8Array, from: string): Uint8Array | undefined;
  /** Whether an encoded alive changes nothing we hold (a retransmitted copy): then it is not even decoded. */
  isDuplicateAlive(msg: Uint8Array): boolean;
  /** The messages one datagram carried, decoded, in order. */
  packetMessages(messages: readonly DecodedMessage[], from: string, receivedAt: number): void;
}

/** Sends and receives datagrams for one node. */
export class PacketLayer {
  private inbound: PacketInbound | undefined;
  private readonly limits: WireLimits;
  /** Running compressed ÷ uncompressed size of the compounds sent (1 until the first is compressed). */
  private compressionRatio = 1;

  constructor(private readonly ctx: EngineContext) {
    this.limits = {
      maxDecompressedBytes: ctx.config.maxDecompressedBytes,
      maxDatagramDecompressedBytes: ctx.config.maxDatagramDecompressedBytes,
      maxMessages: ctx.config.maxDatagramMessages,
    };
  }

  /** Connects the inbound router (done once, after every component exists: the router needs the prober). */
  attach(inbound: PacketInbound): void {
    this.inbound = inbound;
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
      framed[0] = MessageType.User;
      framed.set(u, 1);
      msgs.push(framed);
    }
    return msgs;
  }

  /**
   * Bytes a packet's payload may take before compression: `udpBufferSize` less the compound header, label and
   * encryption overhead (memberlist's budget for piggybacked and gossiped messages).
   */
  packetSpace(): number {
    const ctx = this.ctx;
    let space = ctx.config.udpBufferSize - COMPOUND_HEADER_OVERHEAD - ctx.labelOverhead();
    if (ctx.encrypting()) space -= encryptOverhead(ctx.encryptionVersion());
    return space;
  }

  /**
   * How many bytes of messages to gather for one packet ({@link PacketLayer.packetSpace} without compression).
   * memberlist fills a packet to `udpBufferSize` before compressing it, so with compression on its packets leave
   * the wire at a third of the size they could be. We gather by the ratio recent packets compressed at (with a
   * margin, at most {@link MAX_PACK_FACTOR} times the space) and split a compound whose compressed form still does
   * not fit ({@link PacketLayer.sendMessages}): every packet stays within `udpBufferSize`, so no peer sees anything
   * it would not see from memberlist, only fewer packets for the same news.
   */
  packingBudget(): number {
    const space = this.packetSpace();
    if (!this.ctx.config.enableCompression) return space;
    const factor = Math.min(MAX_PACK_FACTOR, 1 / (this.compressionRatio * PACK_MARGIN));
    return factor <= 1 ? space : Math.floor(space * factor);
  }

  /**
   * Sends one message to `to`, piggybacking as many queued broadcasts as fit in the UDP budget (memberlist's
   * `sendMsg`; used for pings, acks, nacks and indirect pings). Resolves false if the transport failed.
   */
  sendMsg(to: string, msg: Uint8Array): Promise<boolean> {
    const avail = this.packingBudget() - msg.length;
    const extra = avail > 0 ? this.getBroadcasts(COMPOUND_OVERHEAD, avail) : [];
    if (extra.length === 0) return this.rawSend(to, undefined, msg);
    return this.sendMessages(to, undefined, [msg, ...extra]);
  }

  /**
   * Sends `msgs` in order as compound packets: one, unless more than `maxCompoundParts` messages, or a compressed
   * compound larger than the UDP budget (then it is split in halves until each fits, or is a single message).
   * Resolves true only if every send worked.
   */
  async sendMessages(to: string, node: NodeRecord | undefined, msgs: readonly Uint8Array[]): Promise<boolean> {
    const packets: Uint8Array[] = [];
    try {
      // memberlist only knows the destination when a node is passed, or when a node is named after the IP.
      const dest = node ?? this.nodeNamedAfterHost(to);
      const maxParts = this.ctx.config.maxCompoundParts;
      for (let start = 0; start < msgs.length; start += maxParts) {
        this.pack(dest, msgs.slice(start, start + maxParts), packets);
      }
    } catch (err) {
      this.ctx.logger.error({ err, to }, 'failed to prepare packet');
      return false;
    }
    let ok = true;
    for (const p of packets) ok = (await this.transmit(to, p)) && ok;
    return ok;
  }

  /** Packs at most `maxCompoundParts` messages into one or more sealed packets, appended to `out`. */
  private pack(dest: NodeRecord | undefined, msgs: readonly Uint8Array[], out: Uint8Array[]): void {
    const ctx = this.ctx;
    const payload = msgs.length === 1 ? msgs[0]! : encodeCompound(msgs, MAX_COMPOUND_PARTS)[0]!;
    let buf = payload;
    if (ctx.config.enableCompression) {
      const compressed = encodeCompress(payload);
      if (msgs.length > 1) {
        this.compressionRatio += RATIO_WEIGHT * (compressed.length / payload.length - this.compressionRatio);
      }
      if (compressed.length < payload.length) buf = compressed;
      if (msgs.length > 1 && buf.length > this.packetSpace() + COMPOUND_HEADER_OVERHEAD) {
        const half = msgs.length >>> 1;
        this.pack(dest, msgs.slice(0, half), out);
        this.pack(dest, msgs.slice(half), out);
        return;
      }
    }
    out.push(this.seal(dest, buf));
  }

  /**
   * Compresses (when smaller), adds a CRC for peers speaking protocol 5, encrypts and labels `msg`, then sends it
   * (memberlist's `rawSendMsgPacket`). Resolves false (after logging) if the transport failed.
   */
  rawSend(to: string, node: NodeRecord | undefined, msg: Uint8Array): Promise<boolean> {
    return this.sendMessages(to, node, [msg]);
  }

  /** CRC for peers speaking protocol 5, then encryption and label: the rest of `rawSendMsgPacket`. */
  private seal(dest: NodeRecord | undefined, payload: Uint8Array): Uint8Array {
    const ctx = this.ctx;
    let buf = payload;
    if (dest !== undefined && (dest.vsn[1] ?? 0) >= 5) buf = wrapCrc(buf);
    if (ctx.encrypting() && ctx.config.cipher !== undefined) {
      buf = ctx.config.cipher.encrypt(buf, ctx.labelBytes, ctx.encryptionVersion());
    }
    if (ctx.labelBytes.length > 0) buf = addLabel(buf, ctx.labelBytes);
    return buf;
  }

  /** Hands a sealed packet to the transport; resolves false (after logging) if it failed. */
  private async transmit(to: string, buf: Uint8Array): Promise<boolean> {
    const ctx = this.ctx;
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
    const inbound = this.inbound;
    if (ctx.shuttingDown || inbound === undefined) return;
    const from = packet.from;
    ctx.metrics.incrCounter(MetricNames.udpReceived, packet.data.length);
    if (!inbound.admitDatagram(from, packet.data.length)) return;
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
    const label = inbound.acceptLabel('packet', labelBytes, from);
    if (label === undefined) return;
    const cipher = ctx.config.cipher;
    if (cipher !== undefined) {
      try {
        buf = cipher.decrypt(buf, label);
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
    inbound.packetMessages(this.decodeAll(messages, from), from, packet.receivedAt);
  }

  /** Decodes each message of the datagram; the ones that decode go to the router, in order. */
  private decodeAll(messages: readonly Uint8Array[], from: string): DecodedMessage[] {
    const decoded: DecodedMessage[] = [];
    const inbound = this.inbound;
    for (const msg of messages) {
      if (msg[0] === MessageType.Alive && inbound?.isDuplicateAlive(msg) === true) {
        this.ctx.metrics.incrCounter(MetricNames.msgAliveDuplicate, 1);
        continue;
      }
      try {
        // Views, not copies: an alive's bytes are copied only where they are kept (interned with the member).
        decoded.push(decodeMessage(msg, this.limits, VIEWS));
      } catch (err) {
        this.ctx.drop('packet', wireCode(err), describe(err), from);
      }
    }
    return decoded;
  }
}

/** Decode byte fields as views into the datagram (see `DecodeOptions`). */
const VIEWS = { views: true } as const;

/** The drop reason for a failure: the wire error's code, or a generic malformed. */
export function wireCode(err: unknown): string {
  return err instanceof WireError ? err.code : 'ERR_MALFORMED';
}

/** A one-line description of anything thrown. */
export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
