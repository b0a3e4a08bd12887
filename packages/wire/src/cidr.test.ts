import { describe, expect, it } from 'vitest';
import { ipToBytes, unmapIPv4 } from './address.js';
import { cidrContains, parseCidr } from './cidr.js';

const inside = (cidr: string, ip: string): boolean => cidrContains(parseCidr(cidr), ipToBytes(ip));

describe('CIDR networks', () => {
  it('given IPv4 and IPv6 networks, when addresses are matched, then only those inside match', () => {
    expect(inside('10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(inside('192.168.1.0/24', '192.168.1.200')).toBe(true);
    expect(inside('192.168.1.0/24', '192.168.2.1')).toBe(false);
    expect(inside('fd00::/8', 'fd12::1')).toBe(true);
    expect(inside('fd00::/8', 'fe80::1')).toBe(false);
    expect(inside('172.16.0.0/12', '172.31.255.255')).toBe(true);
    expect(inside('172.16.0.0/12', '172.32.0.0')).toBe(false);
  });

  it('given host bits in the network, then they are ignored as with Go (10.1.2.3/8 is 10/8)', () => {
    expect(inside('10.1.2.3/8', '10.200.0.1')).toBe(true);
  });

  it('given /0, then every address of that family matches and none of the other', () => {
    expect(inside('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inside('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(inside('::/0', '2001:db8::1')).toBe(true);
  });

  it('given an IPv4-mapped IPv6 address, then it matches as IPv4 (Go net.IP.To4)', () => {
    const mapped = ipToBytes('::ffff:10.0.0.5');
    expect(mapped).toHaveLength(16);
    expect(unmapIPv4(mapped)).toEqual(Uint8Array.of(10, 0, 0, 5));
    expect(cidrContains(parseCidr('10.0.0.0/8'), mapped)).toBe(true);
    expect(cidrContains(parseCidr('::ffff:0:0/96'), mapped)).toBe(false);
    expect(unmapIPv4(ipToBytes('fd00::1'))).toHaveLength(16);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'nope/8', '10.0.0.0/x', '10.0.0.0/', '/8', '10.0.0.0/-1'])(
    'given %s, when parsed, then ERR_INVALID_ADDRESS',
    (bad) => {
      expect(() => parseCidr(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ADDRESS' }) as Error);
    },
  );
});
