import { describe, expect, it } from 'vitest';
import { GOSSIP_ADDITIONS_OFF, LIFEGUARD_OFF, PLAIN_SWIM, detectionBounds, presetTunables } from './presets.js';

describe('presets', () => {
  it('given a preset and overrides, then memberlist defaults are taken and overrides win', () => {
    expect(presetTunables('lan').probeIntervalMs).toBe(1000);
    expect(presetTunables('wan').probeIntervalMs).toBe(5000);
    expect(presetTunables('local').gossipIntervalMs).toBe(100);
    const off = presetTunables('lan', { ...LIFEGUARD_OFF, gossipNodes: undefined });
    expect(off.awarenessMaxMultiplier).toBe(1);
    expect(off.suspicionMaxTimeoutMult).toBe(1);
    expect(off.buddySystem).toBe(false);
    expect(off.isolationAwareness).toBe(true);
    expect(off.gossipNodes).toBe(3);
  });

  it('given PLAIN_SWIM, then Lifeguard and every gossip addition to failure detection are off', () => {
    const plain = presetTunables('lan', PLAIN_SWIM);
    expect(plain).toMatchObject({ ...LIFEGUARD_OFF, ...GOSSIP_ADDITIONS_OFF });
    expect(plain).toMatchObject({ isolationAwareness: false, suspicionVerification: false, buddySystem: false, reconnect: { intervalMs: 0 } });
  });

  it('given LAN tunables, then detection bounds follow PROTOCOL.md §8.4.1', () => {
    const lan = presetTunables('lan');
    expect(detectionBounds(lan, 3)).toEqual({ minSuspicionMs: 4000, maxSuspicionMs: 24_000, k: 0, firstSuspicionMs: 5000 });
    expect(detectionBounds(lan, 100)).toMatchObject({ minSuspicionMs: 8000, maxSuspicionMs: 48_000, k: 2 });
    expect(detectionBounds(lan, 1000)).toMatchObject({ minSuspicionMs: 12_000, maxSuspicionMs: 72_000 });
    expect(detectionBounds(presetTunables('lan', LIFEGUARD_OFF), 100)).toMatchObject({ minSuspicionMs: 8000, maxSuspicionMs: 8000 });
  });
});
