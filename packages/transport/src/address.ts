import { isIP } from 'node:net';
import { isWireError, joinHostPort, splitHostPort as splitWireHostPort, type HostPort } from '@gossip/wire';
import { TransportError } from './transport.js';

/**
 * `host:port` handling for the transports. The parsing (Go's net.SplitHostPort/JoinHostPort, which is how
 * memberlist renders addresses: `[::1]:7946`) is @gossip/wire's; the transport adds what a dialable address
 * needs (a host) and reports failures with its own error class, as every `Transport` method promises.
 */

export { joinHostPort, type HostPort };

/**
 * Splits `host:port` (`[v6]:port` for IPv6) with a non-empty host.
 * @throws TransportError `ERR_BAD_ADDRESS` for anything else
 */
export function splitHostPort(address: string): HostPort {
  let parsed: HostPort;
  try {
    parsed = splitWireHostPort(address);
  } catch (err) {
    if (!isWireError(err)) throw err;
    throw new TransportError('ERR_BAD_ADDRESS', err.message, { cause: err });
  }
  if (parsed.host.length === 0) throw new TransportError('ERR_BAD_ADDRESS', `missing host in address: ${address}`);
  return parsed;
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
