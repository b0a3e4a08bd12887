/**
 * IP addresses travel as raw 4- or 16-byte strings (PROTOCOL.md §7). These helpers convert them to and from text with
 * Go's `net` rules, so logs, node addresses and map keys read the same on both sides.
 */
import { WireError } from './errors.js';

function badAddress(what: string): WireError {
  return new WireError('ERR_INVALID_ADDRESS', what);
}

/** Parses an IPv4 dotted quad or an IPv6 address (no zone) into 4 or 16 bytes, as Go's `net.ParseIP` would. */
export function ipToBytes(ip: string): Uint8Array {
  if (ip.includes(':')) {
    const v6 = parseIPv6(ip);
    if (v6 === undefined) throw badAddress(`not an IP address: ${JSON.stringify(ip)}`);
    return v6;
  }
  const v4 = parseIPv4(ip);
  if (v4 === undefined) throw badAddress(`not an IP address: ${JSON.stringify(ip)}`);
  return v4;
}

function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Go ≥ 1.17 rejects leading zeros (they would read as octal elsewhere).
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]!, halves.length === 1 || halves[1] === '');
  if (head === undefined) return undefined;
  if (halves.length === 1) {
    if (head.length !== 16) return undefined;
    out.set(head);
    return out;
  }
  const tail = groups(halves[1]!, true);
  if (tail === undefined) return undefined;
  // "::" must stand for at least one zero group.
  if (head.length + tail.length > 14) return undefined;
  out.set(head, 0);
  out.set(tail, 16 - tail.length);
  return out;
}

/** Parses colon-separated hex groups; the last may be an embedded IPv4 when `last` allows it. */
function groups(s: string, last: boolean): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  const parts = s.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (last && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (v4 === undefined) return undefined;
      out.push(...v4);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
    const v = parseInt(p, 16);
    out.push(v >> 8, v & 0xff);
  }
  return out.length <= 16 ? out : undefined;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * The 4-byte form of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4
 * peer), like Go's `net.IP.To4`; any other address comes back unchanged. Returns a view, not a copy.
 */
export function unmapIPv4(ip: Uint8Array): Uint8Array {
  return ip.length === 16 && isV4Mapped(ip) ? ip.subarray(12) : ip;
}

/**
 * Renders raw IP bytes like Go's `net.IP.String`: 4 bytes or IPv4-mapped 16 bytes as a dotted quad, other 16-byte
 * values as RFC 5952 IPv6 (longest zero run of ≥ 2 groups as `::`), empty as `<nil>`, other lengths as `?` + hex.
 */
export function bytesToIp(b: Uint8Array): string {
  if (b.length === 0) return '<nil>';
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) {
    let hex = '?';
    for (const x of b) hex += x.toString(16).padStart(2, '0');
    return hex;
  }
  if (isV4Mapped(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let e0 = -1;
  let e1 = -1;
  for (let i = 0; i < 16; i += 2) {
    let j = i;
    while (j < 16 && b[j] === 0 && b[j + 1] === 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) {
    e0 = -1;
    e1 = -1;
  }
  let s = '';
  for (let i = 0; i < 16; i += 2) {
    if (i === e0) {
      s += '::';
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      s += ':';
    }
    s += ((b[i]! << 8) | b[i + 1]!).toString(16);
  }
  return s;
}

/** Joins a host and port like Go's `net.JoinHostPort` (`[v6]:port` when the host contains a colon). */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A host and numeric port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Longest `host:port` accepted, checked before parsing: a 253-byte DNS name, brackets and a port fit with room
 * to spare; anything longer comes from a bug or a hostile peer.
 */
const MAX_ADDRESS_LENGTH = 300;

/**
 * Splits `host:port` or `[v6]:port` like Go's `net.SplitHostPort` (an empty host is allowed, as there); the
 * port must be a number 0-65535.
 * @throws WireError `ERR_INVALID_ADDRESS` for anything else, including input longer than 300 characters
 */
export function splitHostPort(addr: string): HostPort {
  if (typeof addr !== 'string' || addr.length > MAX_ADDRESS_LENGTH) {
    throw badAddress(`not a host:port address: ${String(addr).slice(0, 80)}`);
  }
  let host: string;
  let rest: string;
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) throw badAddress(`missing ']' in address ${JSON.stringify(addr)}`);
    host = addr.slice(1, close);
    rest = addr.slice(close + 1);
    if (!rest.startsWith(':')) throw badAddress(`missing port in address ${JSON.stringify(addr)}`);
    rest = rest.slice(1);
  } else {
    const colon = addr.lastIndexOf(':');
    if (colon < 0) throw badAddress(`missing port in address ${JSON.stringify(addr)}`);
    host = addr.slice(0, colon);
    rest = addr.slice(colon + 1);
    if (host.includes(':')) throw badAddress(`too many colons in address ${JSON.stringify(addr)} (IPv6 needs [ip]:port)`);
  }
  if (host.includes('[') || host.includes(']')) throw badAddress(`unexpected bracket in address ${JSON.stringify(addr)}`);
  if (!/^\d{1,5}$/.test(rest) || Number(rest) > 65535) throw badAddress(`invalid port in address ${JSON.stringify(addr)}`);
  return { host, port: Number(rest) };
}
