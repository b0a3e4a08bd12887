import { describe, expect, it } from 'vitest';
import { CidrAllowList } from './cidr.js';
import { isMemberlistError } from './errors.js';

describe('CidrAllowList', () => {
  it('given IPv4 and IPv6 networks, when addresses are checked, then only those inside are allowed', () => {
    const list = new CidrAllowList(['10.0.0.0/8', '192.168.1.0/24', 'fd00::/8']);
    expect(list.allows(Uint8Array.of(10, 1, 2, 3))).toBe(true);
    expect(list.allows(Uint8Array.of(192, 168, 1, 200))).toBe(true);
    expect(list.allows(Uint8Array.of(192, 168, 2, 1))).toBe(false);
    expect(list.allowsText('fd12::1')).toBe(true);
    expect(list.allowsText('fe80::1')).toBe(false);
    expect(list.allowsText('not an ip')).toBe(false);
  });

  it('given an IPv4-mapped IPv6 address, when checked, then it matches as IPv4', () => {
    const mapped = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 5);
    expect(new CidrAllowList(['10.0.0.0/8']).allows(mapped)).toBe(true);
  });

  it('given a /0 network, then everything of that family is allowed', () => {
    expect(new CidrAllowList(['0.0.0.0/0']).allowsText('8.8.8.8')).toBe(true);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'nope/8', '10.0.0.0/x'])('given %s, when parsed, then ERR_CONFIG', (bad) => {
    expect(() => new CidrAllowList([bad])).toThrow();
    try {
      new CidrAllowList([bad]);
    } catch (err) {
      expect(isMemberlistError(err, 'ERR_CONFIG')).toBe(true);
    }
  });
});
