/**
 * CIDR allow lists (memberlist's `CIDRsAllowed`). Parsing and matching are @gossip/wire's (Go's `net.ParseCIDR` /
 * `net.IPNet.Contains`, IPv4-mapped IPv6 addresses matching as IPv4); this class turns a bad entry into the
 * configuration error `create` reports.
 */
import { type Cidr, cidrContains, ipToBytes, isWireError, parseCidr } from '@gossip/wire';
import { MemberlistError } from './errors.js';

/** A set of networks addresses must belong to. */
export class CidrAllowList {
  private readonly networks: Cidr[];

  /** Parses `cidrs` like `10.0.0.0/8` or `fd00::/8`; throws `ERR_CONFIG` on a bad entry. */
  constructor(cidrs: readonly string[]) {
    this.networks = cidrs.map((cidr) => {
      try {
        return parseCidr(cidr);
      } catch (err) {
        if (!isWireError(err)) throw err;
        throw new MemberlistError('ERR_CONFIG', `invalid CIDR ${JSON.stringify(cidr)}`, { cause: err });
      }
    });
  }

  /** True if the raw address is inside one of the networks. */
  allows(ip: Uint8Array): boolean {
    return this.networks.some((net) => cidrContains(net, ip));
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
