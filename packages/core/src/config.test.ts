import { describe, expect, it } from 'vitest';
import { lanConfig, localConfig, resolveConfig, wanConfig } from './config.js';
import { isMemberlistError } from './errors.js';
import type { MemberlistConfig } from './config.js';

const runtime = { transport: {} as MemberlistConfig['transport'], clock: {} as MemberlistConfig['clock'], random: {} as MemberlistConfig['random'] };

describe('presets', () => {
  it('given lanConfig, then it has memberlist DefaultLANConfig values', () => {
    const c = lanConfig();
    expect([c.probeIntervalMs, c.probeTimeoutMs, c.indirectChecks, c.retransmitMult, c.suspicionMult]).toEqual([1000, 500, 3, 4, 4]);
    expect([c.suspicionMaxTimeoutMult, c.awarenessMaxMultiplier, c.gossipIntervalMs, c.gossipNodes]).toEqual([6, 8, 200, 3]);
    expect([c.gossipToTheDeadTimeMs, c.pushPullIntervalMs, c.tcpTimeoutMs, c.deadNodeReclaimTimeMs]).toEqual([30_000, 30_000, 10_000, 0]);
    expect([c.enableCompression, c.disableTcpPings, c.udpBufferSize, c.handoffQueueDepth, c.protocolVersion]).toEqual([true, false, 1400, 1024, 2]);
    expect([c.gossipVerifyIncoming, c.gossipVerifyOutgoing, c.maxCompoundParts, c.metaMaxSize]).toEqual([true, true, 127, 512]);
  });

  it('given wanConfig, then it has DefaultWANConfig values', () => {
    const c = wanConfig();
    expect([c.tcpTimeoutMs, c.suspicionMult, c.pushPullIntervalMs, c.probeTimeoutMs, c.probeIntervalMs]).toEqual([30_000, 6, 60_000, 3000, 5000]);
    expect([c.gossipNodes, c.gossipIntervalMs, c.gossipToTheDeadTimeMs]).toEqual([4, 500, 60_000]);
  });

  it('given localConfig, then it has DefaultLocalConfig values', () => {
    const c = localConfig();
    expect([c.tcpTimeoutMs, c.indirectChecks, c.retransmitMult, c.suspicionMult, c.pushPullIntervalMs]).toEqual([1000, 1, 2, 3, 15_000]);
    expect([c.probeTimeoutMs, c.gossipIntervalMs, c.gossipToTheDeadTimeMs, c.probeIntervalMs]).toEqual([200, 100, 15_000, 1000]);
  });

  it('given each preset, then postJoinPushPullDelayMs is ten gossip intervals (our addition, not memberlist)', () => {
    for (const c of [lanConfig(), wanConfig(), localConfig()]) expect(c.postJoinPushPullDelayMs).toBe(10 * c.gossipIntervalMs);
  });

  it('given a negative postJoinPushPullDelayMs, when resolved, then it fails with ERR_CONFIG; 0 (disabled) is accepted', () => {
    const bad = (() => {
      try {
        resolveConfig({ name: 'a', ...runtime, postJoinPushPullDelayMs: -1 });
        return undefined;
      } catch (err) {
        return err;
      }
    })();
    expect(isMemberlistError(bad) && bad.code === 'ERR_CONFIG').toBe(true);
    expect(resolveConfig({ name: 'a', ...runtime, postJoinPushPullDelayMs: 0 }).postJoinPushPullDelayMs).toBe(0);
  });
});

describe('resolveConfig', () => {
  it('given only identity and runtime, when resolved, then every tunable takes the LAN default', () => {
    const c = resolveConfig({ name: 'a', ...runtime });
    expect(c.probeIntervalMs).toBe(1000);
    expect(c.name).toBe('a');
  });

  it('given undefined tunables, when resolved, then they do not override defaults', () => {
    expect(resolveConfig({ name: 'a', ...runtime, gossipNodes: undefined }).gossipNodes).toBe(3);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ protocolVersion: 6 }, 'protocolVersion'],
    [{ probeIntervalMs: 0 }, 'probeIntervalMs'],
    [{ udpBufferSize: 70_000 }, 'udpBufferSize'],
    [{ maxCompoundParts: 256 }, 'maxCompoundParts'],
    [{ label: 'x'.repeat(256) }, 'label'],
    [{ delegateProtocolVersion: 300 }, 'delegateProtocolVersion'],
  ])('given %o, when resolved, then it throws ERR_CONFIG mentioning %s', (bad, field) => {
    expect(() => resolveConfig({ name: 'a', ...runtime, ...bad })).toThrow(field);
    try {
      resolveConfig({ name: 'a', ...runtime, ...bad });
    } catch (err) {
      expect(isMemberlistError(err, 'ERR_CONFIG')).toBe(true);
    }
  });
});
