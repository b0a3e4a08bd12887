// Translation between the Go peer's JSON lines and the driver's typed values. Bytes travel as base64
// (Go's encoding/json writes []byte that way); a Go nil slice arrives as null and becomes an empty array.
import { GoPeerProtocolError } from './errors.js';
import type { GoKeyringView, GoNodeState, GoNodeView, GoPeerConfig, GoPeerEvent, GoTrafficStats } from './types.js';

type Json = Record<string, unknown>;

/** Encodes bytes for a command field. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Decodes a base64 field (null or absent means no bytes). */
export function fromBase64(value: unknown): Uint8Array {
  if (value === null || value === undefined) return new Uint8Array(0);
  if (typeof value !== 'string') throw new GoPeerProtocolError(`expected base64 text, got ${typeof value}`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an object field or fails with a protocol error naming it. */
export function objectField(value: unknown, what: string): Json {
  if (!isObject(value)) throw new GoPeerProtocolError(`${what}: expected an object`);
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new GoPeerProtocolError(`${what}: expected a number`);
  return value;
}

const STATES: readonly string[] = ['alive', 'suspect', 'dead', 'left'];

/** Parses a node view. */
export function parseNode(value: unknown): GoNodeView {
  const o = objectField(value, 'node');
  if (typeof o.name !== 'string' || typeof o.addr !== 'string') {
    throw new GoPeerProtocolError('node: name and addr must be strings');
  }
  if (typeof o.state !== 'string' || !STATES.includes(o.state)) {
    throw new GoPeerProtocolError(`node ${o.name}: unknown state ${String(o.state)}`);
  }
  return {
    name: o.name,
    addr: o.addr,
    port: num(o.port, 'node.port'),
    state: o.state as GoNodeState,
    incarnation: o.incarnation === null || o.incarnation === undefined ? null : num(o.incarnation, 'incarnation'),
    meta: fromBase64(o.meta),
    vsn: Array.isArray(o.vsn) ? o.vsn.map((v) => num(v, 'vsn')) : [],
  };
}

/** Parses an asynchronous event line (anything but `ready`). */
export function parseEvent(line: Json): GoPeerEvent {
  switch (line.event) {
    case 'join':
    case 'leave':
    case 'update':
      return { type: line.event, node: parseNode(line.node) };
    case 'message':
      return { type: 'message', data: fromBase64(line.data) };
    case 'mergeRemoteState':
      return { type: 'mergeRemoteState', data: fromBase64(line.data), join: line.join === true };
    case 'conflict':
      return { type: 'conflict', existing: parseNode(line.existing), other: parseNode(line.other) };
    case 'pingComplete':
      return {
        type: 'pingComplete',
        node: String(line.node),
        rttMs: num(line.rttMs, 'rttMs'),
        payload: fromBase64(line.payload),
      };
    case 'error':
      return { type: 'error', error: String(line.error) };
    default:
      throw new GoPeerProtocolError(`unknown event ${JSON.stringify(line.event)}`);
  }
}

/** Parses the result of the key commands. */
export function parseKeyring(value: unknown): GoKeyringView {
  const o = objectField(value, 'keyring');
  const keys = Array.isArray(o.keys) ? o.keys.map(fromBase64) : [];
  return { keys, primary: o.primary === null || o.primary === undefined ? null : fromBase64(o.primary) };
}

/** Parses the traffic counters. */
export function parseStats(value: unknown): GoTrafficStats {
  const o = objectField(value, 'stats');
  return {
    udpPackets: num(o.udpPackets, 'udpPackets'),
    udpBytes: num(o.udpBytes, 'udpBytes'),
    tcpBytes: num(o.tcpBytes, 'tcpBytes'),
    tcpDials: num(o.tcpDials, 'tcpDials'),
    tcpAccepts: num(o.tcpAccepts, 'tcpAccepts'),
    delayed: num(o.delayed, 'delayed'),
  };
}

const BYTE_FIELDS = ['meta', 'userState', 'ackPayload', 'primaryKey'] as const;

/** The start-up configuration as the Go peer reads it (bytes as base64). */
export function encodeConfig(config: GoPeerConfig): Json {
  const out: Json = { ...config };
  for (const field of BYTE_FIELDS) {
    const value = config[field];
    if (value !== undefined) out[field] = toBase64(value);
  }
  if (config.keys) out.keys = config.keys.map(toBase64);
  return out;
}
