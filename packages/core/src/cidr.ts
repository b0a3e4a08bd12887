/**
 * CIDR allow lists (memberlist's `CIDRsAllowed`): parsing and membership tests on raw 4/16-byte addresses, with
 * IPv4-mapped IPv6 addresses treated as IPv4 like Go's `net.IPNet.Contains`.
 */
import { ipToBytes } from '@gossip/wire';
import { MemberlistError } from './errors.js';

/** One parsed network. */
interface Network {
  readonly prefix: Uint8Array;
  readonly bits: number;
}

/** Normalises 16-byte IPv4-mapped addresses to 4 bytes. */
export function canonicalIp(ip: Uint8Array): Uint8Array {
  if (ip.length === 16) {
    let mapped = ip[10] === 0xff && ip[11] === 0xff;
    for (let i = 0; i < 10 && mapped; i++) if (ip[i] !== 0) mapped = false;
    if (mapped) return ip.subarray(12);
  }
  return ip;
}

/** A set of networks addresses must belong to. */
export class CidrAllowList {
  private readonly networks: Network[];

  /** Parses `cidrs` like `10.0.0.0/8` or `fd00::/8`; throws `ERR_CONFIG` on a bad entry. */
  constructor(cidrs: readonly string[]) {
    this.networks = cidrs.map((cidr) => parseCidr(cidr));
  }

  /** True if the raw address is inside one of the networks. */
  allows(ip: Uint8Array): boolean {
    const addr = canonicalIp(ip);
    return this.networks.some((net) => net.prefix.length === addr.length && matches(net, addr));
  }

  /** True if the textual IP (an `ip:port`'s host part) is inside one of the networks; false if unparsable. */
  allowsText(ip: string): boolean {
    try {
      return this.allows(ipToBytes(ip));
    } catch {
      return false;
    }
  }
}

function parseCidr(cidr: string): Network {
  const slash = cidr.lastIndexOf('/');
  const fail = (): never => {
    throw new MemberlistError('ERR_CONFIG', `invalid CIDR ${JSON.stringify(cidr)}`);
  };
  if (slash < 0) fail();
  let prefix: Uint8Array;
  try {
    prefix = canonicalIp(ipToBytes(cidr.slice(0, slash)));
  } catch {
    return fail();
  }
  const bitsText = cidr.slice(slash + 1);
  // Host bits in the prefix are ignored by the masked comparison, as with Go's ParseCIDR (`10.1.2.3/8` = 10/8).
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : -1;
  if (bits < 0 || bits > prefix.length * 8) fail();
  return { prefix, bits };
}

function matches(net: Network, addr: Uint8Array): boolean {
  let bits = net.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((net.prefix[i] as number) & mask) !== ((addr[i] as number) & mask)) return false;
  }
  return true;
}
