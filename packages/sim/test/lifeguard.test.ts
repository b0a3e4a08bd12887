import { describe, expect, it } from 'vitest';
import { type LifeguardFault, type LifeguardResult, lifeguardRun } from './targets.js';

/**
 * Lifeguard's headline claim (arXiv 1707.00788): when some members process messages slowly, plain SWIM declares
 * healthy members dead; Lifeguard's local health awareness, health-aware suspicion and buddy system cut those
 * false positives by well over an order of magnitude.
 *
 * Setup (test/targets.ts, `lifeguardRun`): 50 nodes (LAN preset) of which 10% (5) get every inbound packet and
 * stream segment 1-2 s late, for 10 virtual minutes. A false positive is every `dead` declaration about one of the
 * 45 healthy nodes, by any observer, even if later refuted (the paper's count). "Off" is `PLAIN_SWIM`: Lifeguard
 * and gossip's own additions (isolation awareness, suspicion verification, reconnect) all off; "on" is the
 * default configuration. A lossy node (the second test) loses half of its packets and stream segments each way.
 * The 5-seed runs, 100 nodes and stalled nodes are in `pnpm bench` (BENCHMARKS.md).
 */
/** The default configuration and plain SWIM on the same seed, 50 nodes, 10% of them unhealthy in `fault`'s way. */
async function onAndOff(fault: LifeguardFault): Promise<{ on: LifeguardResult; off: LifeguardResult }> {
  const on = await lifeguardRun({ seed: 'lifeguard', n: 50, fault, variant: 'on' });
  const off = await lifeguardRun({ seed: 'lifeguard', n: 50, fault, variant: 'off' });
  console.info(
    `[lifeguard, 50 nodes, 5 ${fault}, 10 min] false deaths of healthy nodes: on ${on.falseDeaths}, off ${off.falseDeaths}; ` +
      `suspicions of healthy nodes: on ${on.healthySuspicions}, off ${off.healthySuspicions}`,
  );
  return { on, off };
}

describe('Lifeguard under slow message processing and lossy nodes', () => {
  it('given 10% of 50 nodes processing messages 1-2 s late for 10 minutes, then plain SWIM declares healthy nodes dead at least 10 times and Lifeguard never (same seed)', async () => {
    const { on, off } = await onAndOff('slow');
    // The comparison must mean something: plain SWIM does suffer false positives here.
    expect(off.falseDeaths).toBeGreaterThanOrEqual(10);
    expect(on.falseDeaths).toBe(0);
    // Local health awareness makes the slow nodes accuse far less in the first place.
    expect(on.healthySuspicions * 3).toBeLessThan(off.healthySuspicions);
  }, 600_000);

  it('given 10% of 50 nodes each losing half of their packets and stream segments for 10 minutes, then plain SWIM declares healthy nodes dead at least 10 times and the default configuration never (same seed)', async () => {
    const { on, off } = await onAndOff('lossy');
    expect(off.falseDeaths).toBeGreaterThanOrEqual(10);
    expect(on.falseDeaths).toBe(0);
  }, 600_000);
});
