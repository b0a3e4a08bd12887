import { describe, expect, it } from 'vitest';
import { Simulation, detectionBounds } from '../src/index.js';

/**
 * Crashes `victim` and checks that every survivor declares it dead within the Lifeguard bounds of §8.4.1: nobody
 * suspects later than the round-robin bound, nobody declares death before min after the first suspicion, nobody
 * later than max after its own. Returns the virtual ms until all saw it dead.
 */
async function crashAndCheckDetection(sim: Simulation, victim: string): Promise<number> {
  const n = sim.names().length;
  const crashAt = sim.now();
  await sim.crash(victim);
  const detectedIn = await sim.waitFor(() => sim.allSee(victim, 'dead'), { maxMs: 300_000, what: 'crash detection' });
  const deadBy = sim.trace.firstTimeByObserver({ member: victim, type: 'leave', state: 'dead', since: crashAt });
  expect(deadBy.size).toBe(n - 1);
  const bounds = detectionBounds(sim.baseTunables(), n);
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
  return detectedIn;
}

describe('thousands of nodes', () => {
  it('given 1,000 nodes joining one seed at the same instant, then they converge and every survivor detects a crash', async () => {
    const wallStart = performance.now();
    const victim = 'node-999';
    // Half a million join events would only cost memory: record what is measured, the crash.
    const sim = new Simulation({ seed: 'thousand', trace: (e) => e.member === victim && e.type !== 'join' });
    await sim.addNodes(1000);
    await sim.joinAll();
    const convergedIn = await sim.waitFor(() => sim.converged(), { maxMs: 300_000, what: '1,000-node convergence' });
    const wallConverged = performance.now();
    const detectedIn = await crashAndCheckDetection(sim, victim);
    const wallEnd = performance.now();
    console.info(
      `[1,000 nodes] join storm converged in ${(convergedIn / 1000).toFixed(1)} s virtual (${((wallConverged - wallStart) / 1000).toFixed(1)} s wall); ` +
        `crash seen dead by all 999 in ${(detectedIn / 1000).toFixed(1)} s virtual (${((wallEnd - wallConverged) / 1000).toFixed(1)} s wall)`,
    );
    await sim.shutdown();
  }, 1_200_000);

  it('given 2,000 nodes started converged and left alone for a minute, then nobody is suspected, and every survivor detects a crash within the bounds', async () => {
    const wallStart = performance.now();
    const victim = 'node-1999';
    const sim = new Simulation({ seed: 'two-thousand', trace: (e) => e.type !== 'join' });
    await sim.addNodes(2000);
    sim.startConverged();
    await sim.runFor(60_000);
    // A formed cluster at rest: no false suspicion anywhere, every node still sees all 2,000 alive.
    expect(sim.trace.events()).toEqual([]);
    expect(sim.converged()).toBe(true);
    const wallSteady = performance.now();
    const detectedIn = await crashAndCheckDetection(sim, victim);
    console.info(
      `[2,000 nodes started converged] one quiet simulated minute in ${((wallSteady - wallStart) / 1000).toFixed(1)} s wall; ` +
        `crash seen dead by all 1,999 in ${(detectedIn / 1000).toFixed(1)} s virtual (${((performance.now() - wallSteady) / 1000).toFixed(1)} s wall)`,
    );
    await sim.shutdown();
  }, 1_200_000);
});
