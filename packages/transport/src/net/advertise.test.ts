import { describe, expect, it } from 'vitest';
import { selectPrivateIp, type InterfaceAddress } from './advertise.js';

const addr = (name: string, address: string, prefixLength: number): InterfaceAddress => ({
  name,
  address,
  family: address.includes(':') ? 6 : 4,
  prefixLength,
});

describe('selectPrivateIp (go-sockaddr GetPrivateIP)', () => {
  it('given loopback, link-local and a private address, when selecting, then the private non-loopback IPv4 wins', () => {
    const ip = selectPrivateIp([
      addr('lo', '127.0.0.1', 8),
      addr('lo', '::1', 128),
      addr('eth0', 'fe80::1', 64),
      addr('eth0', '10.1.2.3', 16),
    ]);
    expect(ip).toBe('10.1.2.3');
  });

  it('given private IPv4 on two interfaces, when one carries the default route, then its address comes first', () => {
    const list = [addr('docker0', '172.17.0.1', 16), addr('eth0', '192.168.1.20', 24)];
    expect(selectPrivateIp(list, 'eth0')).toBe('192.168.1.20');
    expect(selectPrivateIp(list)).toBe('172.17.0.1'); // without a default route: the larger network first
  });

  it('given private IPv4 and a ULA IPv6, when selecting, then IPv4 wins unless the ULA alone sits on the default interface', () => {
    expect(selectPrivateIp([addr('eth0', 'fd00::2', 64), addr('eth0', '10.0.0.5', 24)], 'eth0')).toBe('10.0.0.5');
    // go-sockaddr orders by default interface before address type.
    expect(selectPrivateIp([addr('eth0', 'fd00::2', 64), addr('eth1', '10.0.0.5', 24)], 'eth0')).toBe('fd00::2');
    // Documentation addresses (192.0.2.0/24) are not forwardable, so they never qualify.
    expect(selectPrivateIp([addr('eth0', '192.0.2.2', 24), addr('eth0', 'fd00::2', 64)], 'eth0')).toBe('fd00::2');
  });

  it('given only public or loopback addresses, when selecting, then nothing qualifies (memberlist then errors)', () => {
    expect(selectPrivateIp([addr('lo', '127.0.0.1', 8), addr('eth0', '8.8.4.4', 24)])).toBeUndefined();
    expect(selectPrivateIp([])).toBeUndefined();
  });

  it('given addresses with an IPv6 zone, when selecting, then the zone is ignored for matching and dropped from the result', () => {
    expect(selectPrivateIp([addr('eth0', 'fe80::1%eth0', 64), addr('eth0', 'fd00::2%eth0', 64)])).toBe('fd00::2');
  });

  it('given an interface address that is not an IP, when selecting, then it never qualifies', () => {
    expect(selectPrivateIp([addr('eth0', 'not-an-ip', 24), addr('eth1', '10.0.0.5', 24)])).toBe('10.0.0.5');
  });
});
