import { isIP } from 'node:net';
import { TransportError } from './transport.js';

/**
 * `host:port` handling shared by the transports, following Go's net.SplitHostPort/JoinHostPort (which is how
 * memberlist renders addresses): IPv6 hosts are bracketed, `[::1]:7946`.
 */

/** A parsed `host:port`. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Splits `host:port` (`[v6]:port` for IPv6); throws `ERR_BAD_ADDRESS` for anything else. */
export function splitHostPort(address: string): HostPort {
  if (typeof address !== 'string' || address.length === 0 || address.length > 300) {
    throw new TransportError('ERR_BAD_ADDRESS', `not a host:port address: ${String(address).slice(0, 80)}`);
  }
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0 || address[close + 1] !== ':') {
      throw new TransportError('ERR_BAD_ADDRESS', `malformed bracketed address: ${address}`);
    }
    host = address.slice(1, close);
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw new TransportError('ERR_BAD_ADDRESS', `missing port in address: ${address}`);
    host = address.slice(0, colon);
    portText = address.slice(colon + 1);
    if (host.includes(':')) {
      throw new TransportError('ERR_BAD_ADDRESS', `IPv6 addresses need brackets ([ip]:port): ${address}`);
    }
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new TransportError('ERR_BAD_ADDRESS', `bad port in address: ${address}`);
  }
  if (host.length === 0) throw new TransportError('ERR_BAD_ADDRESS', `missing host in address: ${address}`);
  return { host, port: Number(portText) };
}

/** Joins an IP or host name with a port, bracketing IPv6 (`[::1]:7946`). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Canonical text for an IP literal as Go's net.IP.String() prints it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`, which a
 * dual-stack socket reports for IPv4 peers) becomes the dotted quad; IPv6 is lower-cased. Non-IPs pass through.
 */
export function canonicalIp(ip: string): string {
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return isIP(lower) === 6 ? lower : ip;
}

/** `host:port` with the host in {@link canonicalIp} form. */
export function canonicalAddress(address: string): string {
  const { host, port } = splitHostPort(address);
  return joinHostPort(canonicalIp(host), port);
}

/** 4 or 6 for an IP literal, 0 for anything else (a host name). */
export function ipFamily(host: string): 0 | 4 | 6 {
  return isIP(host) as 0 | 4 | 6;
}
