import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
import { TestCluster } from '../test/harness.js';
import { StallController } from '../test/stall.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

describe('event-loop stalls (Lifeguard on Node.js)', () => {
  it('given a node whose event loop keeps stalling, when it probes healthy peers, then it never accuses them', async () => {
    cluster = new TestCluster('stall');
    cluster.network.setDefaults({ latencyMs: 5 });
    const stalls = new StallController(cluster.clock);
    const slow = await cluster.add('slow', { enableCompression: false }, undefined, {
      clock: stalls.nodeClock,
      wrap: (t) => stalls.wrap(t),
    });
    const peers = [await cluster.add('p1'), await cluster.add('p2'), await cluster.add('p3')];
    for (const p of peers) await cluster.run(p.node.join([slow.address]));
    const all = [slow, ...peers];
    await cluster.until(() => cluster!.converged(all, all.map((n) => n.name)), 5_000, 'convergence');

    const accusations: string[] = [];
    for (const t of all) {
      t.node.on('suspect', (ev) => {
        if (ev.member.name !== 'slow') accusations.push(`${t.name} suspects ${ev.member.name}`);
      });
    }
    // The loop stalls for 1.7 s right after a probe went out, so the ack arrives while the node is stuck and its
    // timeouts come due before it can read the ack.
    let stallsLeft = 15;
    const isPing = (d: Uint8Array): boolean => d[0] === 0 || (d[0] === 7 && d[2 + 2 * (d[1] ?? 0)] === 0);
    stalls.onSend = (d) => {
      if (stallsLeft > 0 && !stalls.stalled() && isPing(d)) {
        stallsLeft--;
        stalls.stall(1_700);
      }
    };
    await cluster.until(() => stallsLeft === 0, 120_000, 'stalls');
    await cluster.advance(30_000);
    expect(accusations).toEqual([]);
    for (const p of peers) expect(slow.node.member(p.name)?.state).toBe('alive');
    // The stalled node's own view of itself survives: others may suspect it while it is stuck, it refutes.
    await cluster.until(() => peers.every((p) => p.node.member('slow')?.state === 'alive'), 30_000, 'slow refuted');
  });

  it('given a paused node whose inbound datagrams were lost meanwhile, when its probes time out late, then they are inconclusive, not accusations', async () => {
    cluster = new TestCluster('pause');
    cluster.network.setDefaults({ latencyMs: 5 });
    const stalls = new StallController(cluster.clock);
    stalls.dropPacketsDuringStall = true;
    const slow = await cluster.add('slow', { enableCompression: false, disableTcpPings: true }, undefined, {
      clock: stalls.nodeClock,
      wrap: (t) => stalls.wrap(t),
    });
    const peers = [await cluster.add('p1'), await cluster.add('p2'), await cluster.add('p3')];
    for (const p of peers) await cluster.run(p.node.join([slow.address]));
    const all = [slow, ...peers];
    await cluster.until(() => cluster!.converged(all, all.map((n) => n.name)), 5_000, 'convergence');
    const accusations: string[] = [];
    slow.node.on('suspect', (ev) => accusations.push(ev.member.name));
    let stallsLeft = 8;
    const isPing = (d: Uint8Array): boolean => d[0] === 0 || (d[0] === 7 && d[2 + 2 * (d[1] ?? 0)] === 0);
    stalls.onSend = (d) => {
      if (stallsLeft > 0 && !stalls.stalled() && isPing(d)) {
        stallsLeft--;
        stalls.stall(1_700);
      }
    };
    await cluster.until(() => stallsLeft === 0, 120_000, 'stalls');
    await cluster.advance(5_000);
    expect(accusations.filter((n) => n !== 'slow')).toEqual([]);
    expect(slow.metrics.counter(MetricNames.probeInconclusive)).toBeGreaterThan(0);
  });
});
