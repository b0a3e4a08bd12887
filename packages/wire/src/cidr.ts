/**
 * IP networks in CIDR notation with Go's `net.ParseCIDR` / `net.IPNet.Contains` rules, on the raw 4/16-byte
 * addresses the wire carries (PROTOCOL.md §7). One parser for the whole house: core's `cidrsAllowed` admission and the
 * transport's advertise-address selection both match addresses with it.
 */
import { WireError } from './errors.js';
import { ipToBytes, unmapIPv4 } from './address.js';

/** A parsed network: the address as written (4 bytes for a dotted quad, 16 for IPv6) and its prefix length. */
export interface Cidr {
  readonly prefix: Uint8Array;
  readonly bits: number;
}

/**
 * Parses `10.0.0.0/8` or `fd00::/8`. Host bits are kept but ignored when matching, so `10.1.2.3/8` is 10/8 as
 * with Go.
 * @throws WireError `ERR_INVALID_ADDRESS` for a missing or out-of-range prefix length or a bad address
 */
export function parseCidr(text: string): Cidr {
  const slash = text.lastIndexOf('/');
  const bitsText = slash < 0 ? '' : text.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : -1;
  const prefix = bits < 0 ? undefined : ipToBytes(text.slice(0, slash));
  if (prefix === undefined || bits > prefix.length * 8) {
    throw new WireError('ERR_INVALID_ADDRESS', `invalid CIDR ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { prefix, bits };
}

/**
 * Whether the raw address `ip` lies inside `cidr`. An IPv4-mapped IPv6 address counts as IPv4, and an address
 * of the other family never matches, as with Go (so `::ffff:0:0/96` contains no IPv4 address).
 */
export function cidrContains(cidr: Cidr, ip: Uint8Array): boolean {
  const addr = unmapIPv4(ip);
  if (addr.length !== cidr.prefix.length) return false;
  let bits = cidr.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((cidr.prefix[i]! & mask) !== (addr[i]! & mask)) return false;
  }
  return true;
}
