/**
 * Encoders for memberlist's packet messages (PROTOCOL.md §4). Each returns the whole message, type byte included,
 * byte-identical to what Go memberlist (v0.2.2 and HEAD alike) sends for the same values.
 */
import { invalidArgument } from './errors.js';
import {
  ACK_KEYS,
  ALIVE_KEYS,
  ERR_KEYS,
  INDIRECT_KEYS,
  MAX_UINT16,
  MAX_UINT32,
  NACK_KEYS,
  PING_KEYS,
  SUSPECT_KEYS,
} from './keys.js';
import type { AckResp, Alive, Dead, ErrResp, IndirectPingReq, NackResp, Ping, Suspect } from './messages.js';
import { MessageType } from './messages.js';
import { Writer } from './msgpack.js';
import { allocOutput } from './pool.js';

/** The one writer all encoders share; JS runs one encoder at a time, and each copies its result out. */
export const sharedWriter = new Writer(2048);

/** Throws unless `v` is an integer in `0..max` (the Go field's unsigned range). */
export function checkUint(v: number, max: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw invalidArgument(`${field} must be an integer in 0..${max}, got ${v}`);
  return v;
}

/** Throws unless `b` is a byte array (a Go `[]byte` field). */
export function checkBytes(b: unknown, field: string): Uint8Array {
  if (!(b instanceof Uint8Array)) throw invalidArgument(`${field} must be a Uint8Array`);
  return b;
}

/** Throws unless `vsn` is the 6-byte version vector every Go version requires (v0.2.2 crashes on fewer). */
export function checkVsn(vsn: unknown, field = 'vsn'): Uint8Array {
  const v = checkBytes(vsn, field);
  if (v.length !== 6) throw invalidArgument(`${field} must be exactly 6 bytes, got ${v.length}`);
  return v;
}

/** Encodes `ping` (type 0); empty Source* fields are omitted like Go's omitempty. */
export function encodePing(p: Ping): Uint8Array {
  const seqNo = checkUint(p.seqNo, MAX_UINT32, 'seqNo');
  const addr = p.sourceAddr === undefined ? undefined : checkBytes(p.sourceAddr, 'sourceAddr');
  const hasAddr = addr !== undefined && addr.length > 0;
  const hasNode = p.sourceNode !== undefined && p.sourceNode !== '';
  const port = p.sourcePort === undefined ? 0 : checkUint(p.sourcePort, MAX_UINT16, 'sourcePort');
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.Ping);
  w.fixmap(2 + (hasAddr ? 1 : 0) + (hasNode ? 1 : 0) + (port > 0 ? 1 : 0));
  w.raw(PING_KEYS[0]!);
  w.str(p.node);
  w.raw(PING_KEYS[1]!);
  w.uint(seqNo);
  if (hasAddr) {
    w.raw(PING_KEYS[2]!);
    w.bytes(addr);
  }
  if (hasNode) {
    w.raw(PING_KEYS[3]!);
    w.str(p.sourceNode!);
  }
  if (port > 0) {
    w.raw(PING_KEYS[4]!);
    w.uint(port);
  }
  return w.finish();
}

/** Encodes `indirectPingReq` (type 1). */
export function encodeIndirectPing(p: IndirectPingReq): Uint8Array {
  const seqNo = checkUint(p.seqNo, MAX_UINT32, 'seqNo');
  const port = checkUint(p.port, MAX_UINT16, 'port');
  const target = checkBytes(p.target, 'target');
  const addr = p.sourceAddr === undefined ? undefined : checkBytes(p.sourceAddr, 'sourceAddr');
  const hasAddr = addr !== undefined && addr.length > 0;
  const hasNode = p.sourceNode !== undefined && p.sourceNode !== '';
  const sourcePort = p.sourcePort === undefined ? 0 : checkUint(p.sourcePort, MAX_UINT16, 'sourcePort');
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.IndirectPing);
  w.fixmap(5 + (hasAddr ? 1 : 0) + (hasNode ? 1 : 0) + (sourcePort > 0 ? 1 : 0));
  w.raw(INDIRECT_KEYS[0]!);
  w.bool(p.nack);
  w.raw(INDIRECT_KEYS[1]!);
  w.str(p.node);
  w.raw(INDIRECT_KEYS[2]!);
  w.uint(port);
  w.raw(INDIRECT_KEYS[3]!);
  w.uint(seqNo);
  if (hasAddr) {
    w.raw(INDIRECT_KEYS[4]!);
    w.bytes(addr);
  }
  if (hasNode) {
    w.raw(INDIRECT_KEYS[5]!);
    w.str(p.sourceNode!);
  }
  if (sourcePort > 0) {
    w.raw(INDIRECT_KEYS[6]!);
    w.uint(sourcePort);
  }
  w.raw(INDIRECT_KEYS[7]!);
  w.bytes(target);
  return w.finish();
}

/** Encodes `ackResp` (type 2); a `null` payload is msgpack nil, as Go sends it. */
export function encodeAck(a: AckResp): Uint8Array {
  const seqNo = checkUint(a.seqNo, MAX_UINT32, 'seqNo');
  const payload = a.payload === null || a.payload === undefined ? null : checkBytes(a.payload, 'payload');
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.Ack);
  w.fixmap(2);
  w.raw(ACK_KEYS[0]!);
  w.bytes(payload);
  w.raw(ACK_KEYS[1]!);
  w.uint(seqNo);
  return w.finish();
}

/** Encodes `nackResp` (type 11). */
export function encodeNack(n: NackResp): Uint8Array {
  const seqNo = checkUint(n.seqNo, MAX_UINT32, 'seqNo');
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.Nack);
  w.fixmap(1);
  w.raw(NACK_KEYS[0]!);
  w.uint(seqNo);
  return w.finish();
}

/** Encodes `errResp` (type 13). */
export function encodeErr(e: ErrResp): Uint8Array {
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.Err);
  w.fixmap(1);
  w.raw(ERR_KEYS[0]!);
  w.str(e.error);
  return w.finish();
}

function encodeAccusation(type: number, s: Suspect): Uint8Array {
  const incarnation = checkUint(s.incarnation, MAX_UINT32, 'incarnation');
  const w = sharedWriter;
  w.reset();
  w.byte(type);
  w.fixmap(3);
  w.raw(SUSPECT_KEYS[0]!);
  w.str(s.from);
  w.raw(SUSPECT_KEYS[1]!);
  w.uint(incarnation);
  w.raw(SUSPECT_KEYS[2]!);
  w.str(s.node);
  return w.finish();
}

/** Encodes `suspect` (type 3). */
export function encodeSuspect(s: Suspect): Uint8Array {
  return encodeAccusation(MessageType.Suspect, s);
}

/** Encodes `dead` (type 5); `from === node` announces a graceful leave. */
export function encodeDead(d: Dead): Uint8Array {
  return encodeAccusation(MessageType.Dead, d);
}

/** Encodes `alive` (type 4). `vsn` must be 6 bytes; a `null` meta is msgpack nil. */
export function encodeAlive(a: Alive): Uint8Array {
  const incarnation = checkUint(a.incarnation, MAX_UINT32, 'incarnation');
  const port = checkUint(a.port, MAX_UINT16, 'port');
  const addr = checkBytes(a.addr, 'addr');
  const meta = a.meta === null || a.meta === undefined ? null : checkBytes(a.meta, 'meta');
  const vsn = checkVsn(a.vsn);
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.Alive);
  w.fixmap(6);
  w.raw(ALIVE_KEYS[0]!);
  w.bytes(addr);
  w.raw(ALIVE_KEYS[1]!);
  w.uint(incarnation);
  w.raw(ALIVE_KEYS[2]!);
  w.bytes(meta);
  w.raw(ALIVE_KEYS[3]!);
  w.str(a.node);
  w.raw(ALIVE_KEYS[4]!);
  w.uint(port);
  w.raw(ALIVE_KEYS[5]!);
  w.bytes(vsn);
  return w.finish();
}

/** Encodes a packet user message (type 8): the type byte followed by the raw payload. */
export function encodeUserPacket(payload: Uint8Array): Uint8Array {
  checkBytes(payload, 'payload');
  const out = allocOutput(payload.length + 1);
  out[0] = MessageType.User;
  out.set(payload, 1);
  return out;
}
