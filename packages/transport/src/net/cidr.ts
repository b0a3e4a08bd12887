import { isIP } from 'node:net';

/**
 * IP prefix matching for advertise-address selection. Addresses become bigints (32 or 128 bits) so one
 * comparison covers both families.
 */

/** A parsed IP prefix such as 10.0.0.0/8 or fc00::/7. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly bits: number;
}

/** The numeric value of an IP literal, or `undefined` if it is not one. */
export function ipToBigInt(ip: string): { family: 4 | 6; value: bigint } | undefined {
  const zoneless = ip.split('%')[0]!;
  const family = isIP(zoneless);
  if (family === 4) return { family: 4, value: v4ToBigInt(zoneless) };
  if (family !== 6) return undefined;
  let text = zoneless.toLowerCase();
  // An embedded dotted quad (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v = v4ToBigInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return { family: 6, value };
}

function v4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** Parses `a.b.c.d/n` or `v6/n`. */
export function parseCidr(text: string): Cidr {
  const [ip, bitsText] = text.split('/') as [string, string];
  const parsed = ipToBigInt(ip);
  if (parsed === undefined) throw new Error(`bad CIDR ${text}`);
  return { family: parsed.family, base: parsed.value, bits: Number(bitsText) };
}

/** Whether `ip` lies inside `cidr` (families must match). */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const parsed = ipToBigInt(ip);
  if (parsed === undefined || parsed.family !== cidr.family) return false;
  const width = cidr.family === 4 ? 32n : 128n;
  const shift = width - BigInt(cidr.bits);
  return parsed.value >> shift === cidr.base >> shift;
}
