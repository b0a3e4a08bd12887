import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { cidrContains, ipToBytes, parseCidr, type Cidr } from '@gossip/wire';

/**
 * Advertise-address detection, as memberlist's NetTransport.FinalAdvertiseAddr does it: when bound to the
 * any-address, advertise go-sockaddr's GetPrivateIP(): among addresses of up interfaces, drop the
 * non-forwardable blocks, order by (default-route interface first, IPv4 before IPv6, larger network first),
 * keep those inside RFC 6890's special-purpose registry (which includes RFC 1918, RFC 6598 and fc00::/7), and
 * take the first.
 */

/** One address of one interface. */
export interface InterfaceAddress {
  readonly name: string;
  readonly address: string;
  readonly family: 4 | 6;
  readonly prefixLength: number;
}

const cidrs = (list: string[]): Cidr[] => list.map(parseCidr);

/** go-sockaddr's ForwardingBlacklist: blocks a router never forwards (loopback, link-local, TEST-NETs, ...). */
const NOT_FORWARDABLE = cidrs([
  '0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '192.0.0.0/24', '192.0.2.0/24', '198.51.100.0/24',
  '203.0.113.0/24', '240.0.0.0/4', '255.255.255.255/32', '::1/128', '::/128', '::ffff:0:0/96',
  '2001:db8::/32', '2001:10::/28', 'fe80::/10',
]); // prettier-ignore

/** go-sockaddr's RFC 6890 table (special-purpose address registries). */
const RFC_6890 = cidrs([
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.0.0/29', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24',
  '203.0.113.0/24', '240.0.0.0/4', '255.255.255.255/32', '::1/128', '::/128', '64:ff9b::/96', '::ffff:0:0/96',
  '100::/64', '2001::/16', '2001:2::/48', '2001:db8::/32', '2001:10::/28', '2002::/16', 'fc00::/7', 'fe80::/10',
]); // prettier-ignore

/** Whether the interface address (zone, if any, ignored) lies in one of `blocks`; false if it is not an IP. */
function inAny(blocks: Cidr[], ip: string): boolean {
  let bytes: Uint8Array;
  try {
    bytes = ipToBytes(ip.split('%')[0]!);
  } catch {
    return false;
  }
  return blocks.some((b) => cidrContains(b, bytes));
}

/** The host's interface addresses (Node lists only interfaces that have an address, i.e. configured ones). */
export function listInterfaceAddresses(): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    for (const info of infos ?? []) {
      const family = info.family === 'IPv4' ? 4 : 6;
      const prefixLength = Number((info.cidr ?? '/0').split('/')[1]);
      out.push({ name, address: info.address, family, prefixLength });
    }
  }
  return out;
}

/** The interface carrying the IPv4 default route (Linux /proc/net/route), or `undefined` elsewhere. */
export function defaultRouteInterface(): string | undefined {
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
      if (destination === '00000000' && mask === '00000000') return iface;
    }
  } catch {
    // Not Linux, or no procfs: go-sockaddr also just skips the default-interface ordering then.
  }
  return undefined;
}

/** go-sockaddr's GetPrivateIP over the given addresses; `undefined` when none qualifies. */
export function selectPrivateIp(addresses: readonly InterfaceAddress[], defaultInterface?: string): string | undefined {
  const candidates = addresses
    .filter((a) => !inAny(NOT_FORWARDABLE, a.address))
    .map((a, index) => ({ a, index }))
    .sort(
      (x, y) =>
        Number(y.a.name === defaultInterface) - Number(x.a.name === defaultInterface) ||
        x.a.family - y.a.family ||
        x.a.prefixLength - y.a.prefixLength ||
        x.index - y.index,
    )
    .map(({ a }) => a)
    .filter((a) => inAny(RFC_6890, a.address));
  return candidates[0]?.address.split('%')[0];
}

/** The private IP this host would advertise when bound to the any-address. */
export function detectPrivateIp(): string | undefined {
  return selectPrivateIp(listInterfaceAddresses(), defaultRouteInterface());
}
