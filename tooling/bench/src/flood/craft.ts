/**
 * Hostile inputs for the flood tools: the largest datagram of each message type a sender can build (plain, and
 * compressed up to the datagram decompression bound), the compression bomb shapes, and bad packets.
 */
import {
  DEFAULT_MAX_DATAGRAM_DECOMPRESSED,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodeCompress,
  encodeDead,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodeSuspect,
  encodeUserPacket,
  ipToBytes,
} from 'gossip';

/** Largest datagram a node accepts. */
export const MAX_DATAGRAM = 65_536;
const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0);
const LOOPBACK = ipToBytes('127.0.0.1');

/** Message `i` of each type: distinct names and sequence numbers, so no two are the same update. */
export const MESSAGE_TYPES = {
  ping: (i: number, target: string) => encodePing({ seqNo: i, node: target, sourceAddr: LOOPBACK, sourcePort: 9, sourceNode: `x${i}` }),
  indirect: (i: number) =>
    encodeIndirectPing({ seqNo: i, target: LOOPBACK, port: 9, node: `t${i}`, nack: true, sourceAddr: LOOPBACK, sourcePort: 9, sourceNode: `x${i}` }),
  ack: (i: number) => encodeAck({ seqNo: i, payload: null }),
  nack: (i: number) => encodeNack({ seqNo: i }),
  alive: (i: number) => encodeAlive({ node: `fake-${i}`, incarnation: 1, addr: LOOPBACK, port: 9, meta: null, vsn: VSN }),
  suspect: (i: number, target: string) => encodeSuspect({ node: i % 2 === 0 ? target : `fake-${i}`, incarnation: i, from: `x${i}` }),
  dead: (i: number, target: string) => encodeDead({ node: i % 2 === 0 ? target : `fake-${i}`, incarnation: i, from: `x${i}` }),
  user: (i: number) => encodeUserPacket(Uint8Array.of(i & 0xff, 1, 2, 3)),
} as const;

/** A message type of {@link MESSAGE_TYPES}. */
export type MessageKind = keyof typeof MESSAGE_TYPES;

/**
 * As many messages as fit, as compounds of compounds (255 parts each): `bytes` is the budget of the result (a
 * whole datagram when plain, the decompression bound when `compress`ed, the compressed result itself then
 * being held under a datagram).
 */
export function packMany(make: (i: number) => Uint8Array, bytes: number, compress: boolean): { packet: Uint8Array; count: number } {
  const inner: Uint8Array[] = [];
  let total = 4;
  let count = 0;
  let group: Uint8Array[] = [];
  let groupBytes = 2;
  const flush = (): void => {
    if (group.length === 0) return;
    inner.push(encodeCompound(group, 255)[0]!);
    total += groupBytes + 2;
    group = [];
    groupBytes = 2;
  };
  for (;;) {
    const m = make(count);
    if (total + groupBytes + m.length + 2 + 4 > bytes || inner.length >= 255) break;
    group.push(m);
    groupBytes += m.length + 2;
    count++;
    if (group.length === 255 || groupBytes + m.length + 2 > 65_000) flush();
  }
  flush();
  let packet = inner.length === 1 ? inner[0]! : encodeCompound(inner, 255)[0]!;
  if (compress) packet = encodeCompress(packet);
  return { packet, count };
}

/**
 * The largest datagram of one message type: plain (≤ 64 KiB) or compressed (≤ 1 MiB inflated, ≤ 64 KiB sent);
 * message numbers start at `first`, so successive datagrams carry new updates.
 */
export function largestDatagram(kind: MessageKind, target: string, compress: boolean, first = 0): { packet: Uint8Array; count: number } {
  const make = (i: number): Uint8Array => MESSAGE_TYPES[kind](first + i, target);
  if (!compress) return packMany(make, MAX_DATAGRAM, false);
  let budget = DEFAULT_MAX_DATAGRAM_DECOMPRESSED - 64;
  for (;;) {
    const out = packMany(make, budget, true);
    if (out.packet.length <= MAX_DATAGRAM) return out;
    budget = Math.floor(budget * 0.8);
  }
}

/** Zeros as a user message: LZW's best ratio (about 1,000× at 1 MiB). */
function zeros(n: number): Uint8Array {
  return encodeUserPacket(new Uint8Array(n));
}

/**
 * The compression bomb shapes, each under one datagram: a plain bomb (inflating to 40 MiB, memberlist's stream
 * bound, the old datagram bound too), a nested one, a compound of as many bombs as fit.
 */
export function bombShapes(): Record<string, Uint8Array> {
  const plain = encodeCompress(zeros(40 * 1024 * 1024 - 16));
  const nested = encodeCompress(encodeCompress(zeros(8 * 1024 * 1024)));
  const oneMiB = encodeCompress(zeros(DEFAULT_MAX_DATAGRAM_DECOMPRESSED + 1024));
  const parts: Uint8Array[] = [];
  while ((parts.length + 1) * (oneMiB.length + 2) + 4 < MAX_DATAGRAM && parts.length < 255) parts.push(oneMiB);
  const compound = encodeCompound(parts, 255)[0]!;
  return { 'bomb: plain (40 MiB)': plain, 'bomb: nested': nested, [`bomb: compound of ${parts.length}`]: compound };
}

/** A bad packet of a kind chosen by `i`: garbage, a reserved msgpack byte, a truncated compound, a bad LZW. */
export function badPacket(i: number): Uint8Array {
  switch (i % 4) {
    case 0:
      return Uint8Array.of(0xee, i & 0xff, 3);
    case 1:
      return Uint8Array.of(1, 0xc1);
    case 2:
      return Uint8Array.of(7, 5, 0, 9);
    default:
      return Uint8Array.of(9, 0x82, 0xa4, 0x41, 0x6c, 0x67, 0x6f, 0, 0xa3, 0x42, 0x75, 0x66, 0xa2, 0xff, 0xff);
  }
}
