import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/index.js';
import { startCluster } from './helpers.js';

describe('robustness to packet loss', () => {
  // Stream segments are lost too (each costing TCP's 200 ms retransmission timeout, 1 s for a SYN), so the stream
  // (TCP) fallback ping rescues many lossy probes but not all; the second case turns it off and leaves UDP's
  // indirect probes and Lifeguard's suspicion to cope alone. Either way suspicions are refuted, never fatal.
  it.each([
    { tcpPings: true, seed: 'loss-10' },
    { tcpPings: false, seed: 'loss-10-udp-only' },
  ])('given 100 nodes and 10% uniform loss on packets and stream segments (stream pings: $tcpPings), when 10 virtual minutes pass, then no healthy node is ever declared dead', async ({ tcpPings, seed }) => {
    const sim = new Simulation({
      seed,
      faults: { latencyMs: 0.5, jitterMs: 0.5, lossRate: 0.1 },
      tunables: { disableTcpPings: !tcpPings },
    });
    await startCluster(sim, 100, 120_000);
    const from = sim.now();
    await sim.runFor(10 * 60_000);
    const deaths = sim.trace.filter({ type: 'leave', since: from });
    const suspicions = sim.trace.filter({ type: 'suspect', since: from });
    console.info(
      `[loss 10%, 100 nodes, 10 min, stream pings ${tcpPings ? 'on' : 'off'}] suspicions ${suspicions.length}, deaths ${deaths.length}, ` +
        `packets dropped ${sim.network.stats().packetsDropped.loss}`,
    );
    expect(deaths).toEqual([]);
    // Nobody dropped anybody: every node still lists all 100 (alive, or suspected and about to refute).
    for (const name of sim.running()) expect(sim.memberlist(name).numMembers(), name).toBe(100);
    // With stream pings, the cluster is fully converged at the end of the run.
    if (tcpPings) expect(sim.converged()).toBe(true);
    await sim.shutdown();
  }, 300_000);
});
