import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/index.js';

/** A scenario touching every source of nondeterminism: joins, loss, jitter, a crash, a slow node, a leave. */
async function scenario(seed: string): Promise<{ trace: string; digest: string; events: number }> {
  const sim = new Simulation({ seed, faults: { latencyMs: 0.5, jitterMs: 2, lossRate: 0.05, reorderRate: 0.01 } });
  const names = await sim.addNodes(20);
  await sim.joinAll();
  await sim.runFor(5_000);
  sim.slow(names[3]!, { minMs: 1000, maxMs: 2000 });
  await sim.crash(names[11]!);
  await sim.runFor(30_000);
  await sim.leave(names[5]!);
  await sim.runFor(10_000);
  const result = { trace: sim.trace.serialize(), digest: sim.trace.digest(), events: sim.trace.size };
  await sim.shutdown();
  return result;
}

describe('determinism', () => {
  it('given the same seed twice, then the event trace is identical byte for byte', async () => {
    const first = await scenario('replay-me');
    const second = await scenario('replay-me');
    expect(first.events).toBeGreaterThan(20 * 20);
    expect(second.trace).toBe(first.trace);
    expect(second.digest).toBe(first.digest);
  }, 120_000);

  it('given a different seed, then the trace differs', async () => {
    const a = await scenario('replay-me');
    const b = await scenario('something-else');
    expect(b.digest).not.toBe(a.digest);
  }, 120_000);
});
