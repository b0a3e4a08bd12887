import { describe, expect, it } from 'vitest';
import { bytesToIp, ipToBytes, joinHostPort, splitHostPort } from './address.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('ipToBytes', () => {
  it('given IPv4 and IPv6 text, when parsed, then 4 or 16 bytes come out', () => {
    expect(ipToBytes('127.0.0.1')).toEqual(bytes(127, 0, 0, 1));
    expect(ipToBytes('::1')).toEqual(bytes(...new Array<number>(15).fill(0), 1));
    expect(ipToBytes('::ffff:10.0.0.1')).toEqual(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1));
    expect(ipToBytes('2001:db8::8:800:200c:417a')).toEqual(
      bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a),
    );
    expect(ipToBytes('1:2:3:4:5:6:7:8')[15]).toBe(8);
  });

  it('given malformed addresses, when parsed, then ERR_INVALID_ADDRESS (leading zeros included, as Go ≥ 1.17)', () => {
    for (const bad of ['', '1.2.3', '1.2.3.256', '01.2.3.4', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '::1%eth0', '12345::', 'host']) {
      expect(() => ipToBytes(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ADDRESS' }) as Error);
    }
  });
});

describe('bytesToIp', () => {
  it('given 4 bytes or an IPv4-mapped 16-byte address, when rendered, then a dotted quad like Go', () => {
    expect(bytesToIp(bytes(10, 0, 0, 2))).toBe('10.0.0.2');
    expect(bytesToIp(ipToBytes('::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });

  it('given IPv6 addresses, when rendered, then Go’s RFC 5952 form (longest zero run, first on ties, never one group)', () => {
    const cases: [string, string][] = [
      ['::1', '::1'],
      ['::', '::'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['fe80::abcd', 'fe80::abcd'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ];
    for (const [input, out] of cases) expect(bytesToIp(ipToBytes(input))).toBe(out);
  });

  it('given an empty or odd-length address, when rendered, then <nil> or ?hex like Go', () => {
    expect(bytesToIp(bytes())).toBe('<nil>');
    expect(bytesToIp(bytes(1, 2, 3))).toBe('?010203');
  });
});

describe('host:port', () => {
  it('given hosts, when joined, then IPv6 is bracketed', () => {
    expect(joinHostPort('10.0.0.1', 7946)).toBe('10.0.0.1:7946');
    expect(joinHostPort('::1', 7946)).toBe('[::1]:7946');
  });

  it('given addresses, when split, then host and numeric port come back', () => {
    expect(splitHostPort('10.0.0.1:7946')).toEqual({ host: '10.0.0.1', port: 7946 });
    expect(splitHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(splitHostPort('node.local:0')).toEqual({ host: 'node.local', port: 0 });
    expect(splitHostPort(':7946')).toEqual({ host: '', port: 7946 }); // Go allows an empty host
  });

  it('given malformed addresses, when split, then ERR_INVALID_ADDRESS', () => {
    for (const bad of ['10.0.0.1', '::1:80', '[::1]80', '[::1', 'h:65536', 'h:', 'h:x', 'a]:1', `${'h'.repeat(300)}:1`]) {
      expect(() => splitHostPort(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ADDRESS' }) as Error);
    }
  });
});
