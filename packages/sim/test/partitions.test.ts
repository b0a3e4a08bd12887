import { describe, expect, it } from 'vitest';
import { flappingNode, massCrash, partitionHeal } from './targets.js';

/**
 * Issue #13's partition targets on one seed each (the 5-seed runs, the 30-minute cut and the Lifeguard and loss
 * targets are in `pnpm bench`'s simulator section: bench/targets.bench.ts, figures in BENCHMARKS.md).
 */
describe('partitions heal by themselves; an isolated node does not kill the healthy', () => {
  it.each([30_000, 120_000])(
    'given 64 nodes cut 50/50 for %i ms, when the cut heals, then every node lists all 64 alive within pushPullIntervalMs + reconnect.intervalMs (default configuration)',
    async (cutMs) => {
      const r = await partitionHeal({ seed: `ci-partition-${cutMs}`, cutMs });
      console.info(`[partition ${cutMs / 1000} s] healed in ${r.healedInMs} ms (bound ${r.boundMs} ms)`);
      expect(r.healedInMs).toBeDefined();
      expect(r.healedInMs!).toBeLessThanOrEqual(r.boundMs);
    },
    60_000,
  );

  it('given reconnect off, when a 2-minute 50/50 cut heals, then the halves stay apart (memberlist behaviour, the reason reconnect exists)', async () => {
    const r = await partitionHeal({ seed: 'ci-partition-off', cutMs: 120_000, tunables: { reconnect: { intervalMs: 0, timeoutMs: 0 } }, maxHealMs: 120_000 });
    expect(r.healedInMs).toBeUndefined();
  }, 60_000);

  it('given one of 64 nodes cut off for 20 s and back for 20 s, eight times, then no healthy node sees another healthy node die, and all settle within one push/pull interval of the last reconnect', async () => {
    const r = await flappingNode({ seed: 'ci-flapping' });
    console.info(`[flapping] third-party deaths ${r.thirdPartyDeaths}, settled in ${r.settledInMs} ms (bound ${r.boundMs} ms)`);
    expect(r.thirdPartyDeaths).toBe(0);
    expect(r.settledInMs).toBeDefined();
    expect(r.settledInMs!).toBeLessThanOrEqual(r.boundMs);
  }, 60_000);

  it('given 30% of 64 nodes crashing at once, then every survivor sees every victim dead within the Lifeguard bounds and no survivor is declared dead', async () => {
    const r = await massCrash({ seed: 'ci-mass-crash' });
    console.info(`[mass crash] ${r.crashed} crashed, all dead everywhere in ${r.allDeadInMs} ms (bound ${r.boundMs} ms)`);
    expect(r.allDeadInMs).toBeDefined();
    expect(r.allDeadInMs!).toBeLessThanOrEqual(r.boundMs);
    expect(r.healthyDeaths).toBe(0);
  }, 60_000);
});
