import { describe, expect, it } from 'vitest';
import { Simulation, detectionBounds } from '../src/index.js';

describe('a thousand nodes', () => {
  it('given 1,000 nodes joining one seed at the same instant, then they converge and every survivor detects a crash', async () => {
    const wallStart = performance.now();
    const victim = 'node-999';
    // Half a million join events would only cost memory: record what is measured, the crash.
    const sim = new Simulation({ seed: 'thousand', trace: (e) => e.member === victim && e.type !== 'join' });
    const names = await sim.addNodes(1000);
    await sim.joinAll();
    const convergedIn = await sim.waitFor(() => sim.converged(), { maxMs: 300_000, what: '1,000-node convergence' });
    const wallConverged = performance.now();

    const crashAt = sim.now();
    await sim.crash(victim);
    const detectedIn = await sim.waitFor(() => sim.allSee(victim, 'dead'), { maxMs: 300_000, what: 'crash detection' });
    const deadBy = sim.trace.firstTimeByObserver({ member: victim, type: 'leave', state: 'dead', since: crashAt });
    expect(deadBy.size).toBe(names.length - 1);
    // Lifeguard bounds (§8.4.1) for n = 1,000: nobody before min after the first suspicion, nobody later than
    // max after its own.
    const bounds = detectionBounds(sim.baseTunables(), names.length);
    const firstSuspect = sim.trace.firstTime({ member: victim, type: 'suspect', since: crashAt })!;
    const suspectBy = sim.trace.firstTimeByObserver({ member: victim, type: 'suspect', since: crashAt });
    expect(firstSuspect - crashAt).toBeLessThanOrEqual(bounds.firstSuspicionMs);
    for (const [observer, deadAt] of deadBy) {
      expect(deadAt - firstSuspect, observer).toBeGreaterThanOrEqual(bounds.minSuspicionMs);
      const suspectAt = suspectBy.get(observer);
      if (suspectAt !== undefined) expect(deadAt - suspectAt, observer).toBeLessThanOrEqual(bounds.maxSuspicionMs);
    }
    // Nobody else was lost along the way.
    expect(sim.converged()).toBe(true);
    const wallEnd = performance.now();
    console.info(
      `[1,000 nodes] join storm converged in ${(convergedIn / 1000).toFixed(1)} s virtual (${((wallConverged - wallStart) / 1000).toFixed(1)} s wall); ` +
        `crash seen dead by all 999 in ${(detectedIn / 1000).toFixed(1)} s virtual (${((wallEnd - wallConverged) / 1000).toFixed(1)} s wall)`,
    );
    await sim.shutdown();
  }, 1_200_000);
});
