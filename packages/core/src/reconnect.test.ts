import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkEvent } from '@gossip/transport';
import { MetricNames, isMemberlistError } from './index.js';
import { TestCluster, type TestNode } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/** Only reconnect dials: periodic and post-join push/pull and TCP pings are off. */
const QUIET = { pushPullIntervalMs: 0, postJoinPushPullDelayMs: 0, disableTcpPings: true };

/** Dials (SYNs answered or not) from `from` to `to`, recorded from the network's events. */
function dialsBetween(events: NetworkEvent[], from: string, to: string): number {
  return events.filter((e) => (e.type === 'stream-opened' || e.type === 'stream-failed') && e.from === from && e.to === to).length;
}

async function trio(seed: string, overrides = {}): Promise<{ events: NetworkEvent[]; nodes: TestNode[] }> {
  const events: NetworkEvent[] = [];
  cluster = new TestCluster(seed, 'lan', (e) => {
    if (e.type !== 'packet-delivered' && e.type !== 'packet-dropped') events.push(e);
  });
  const nodes = await cluster.start(3, { ...QUIET, reconnect: { intervalMs: 5_000, timeoutMs: 120_000 }, ...overrides });
  await cluster.until(() => cluster!.converged(nodes, ['node-0', 'node-1', 'node-2']), 10_000, 'convergence');
  return { events, nodes };
}

describe('reconnect', () => {
  it('given a healthy cluster, when minutes pass, then reconnect dials nobody', async () => {
    const { events } = await trio('reconnect-quiet');
    events.length = 0;
    await cluster!.advance(5 * 60_000);
    expect(events).toEqual([]);
  });

  it('given a partition that outlived reaping, when it heals, then a reconnect brings both sides back within one interval', async () => {
    const { nodes } = await trio('reconnect-heal');
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    cluster!.network.partition([a.address], [b.address, c.address]);
    await cluster!.until(() => a.node.member('b') === undefined && b.node.member('node-0') === undefined, 180_000, 'reaping');
    await cluster!.until(() => a.node.member('node-1') === undefined && b.node.member('node-0') === undefined, 180_000, 'reaping');
    cluster!.network.heal();
    const took = await cluster!.until(() => cluster!.converged(nodes, ['node-0', 'node-1', 'node-2']), 5_000 + 5_000, 'reconnect');
    expect(took).toBeLessThanOrEqual(10_000);
  });

  it('given a member that crashed, when it stays down, then it is tried every interval until timeoutMs and then forgotten', async () => {
    const { events, nodes } = await trio('reconnect-timeout');
    const [a, , c] = nodes as [TestNode, TestNode, TestNode];
    cluster!.network.crash(c.address, 'refuse');
    await c.node.shutdown();
    await cluster!.until(() => a.node.member('node-2')?.state === 'dead', 60_000, 'death');
    const diedAt = cluster!.clock.now();
    events.length = 0;
    await cluster!.advance(120_000 - 1);
    const tries = dialsBetween(events, a.address, c.address);
    // Every 5 s for the 2 minutes after the failure (± the phase of the first tick).
    expect(tries).toBeGreaterThanOrEqual(120_000 / 5_000 - 1);
    expect(tries).toBeLessThanOrEqual(120_000 / 5_000 + 1);
    events.length = 0;
    await cluster!.advance(60_000);
    expect(dialsBetween(events, a.address, c.address)).toBe(0);
    expect(cluster!.clock.now() - diedAt).toBeGreaterThan(120_000);
  });

  it('given a member that left, when time passes, then it is never chased', async () => {
    const { events, nodes } = await trio('reconnect-left');
    const [a, , c] = nodes as [TestNode, TestNode, TestNode];
    await cluster!.run(c.node.leave(5_000));
    await c.node.shutdown();
    await cluster!.until(() => a.node.member('node-2')?.state !== 'alive', 10_000, 'leave');
    events.length = 0;
    await cluster!.advance(60_000);
    expect(dialsBetween(events, a.address, c.address)).toBe(0);
    expect(a.metrics.counter(MetricNames.tcpConnect)).toBe(0);
  });

  it('given reconnect turned off (interval 0), when a partition outlives reaping and heals, then nothing is dialed', async () => {
    const { events, nodes } = await trio('reconnect-off', { reconnect: { intervalMs: 0, timeoutMs: 0 } });
    const [a, b] = nodes as [TestNode, TestNode, TestNode];
    cluster!.network.partition([a.address]);
    await cluster!.until(() => a.node.member('node-1') === undefined && b.node.member('node-0') === undefined, 180_000, 'reaping');
    cluster!.network.heal();
    events.length = 0;
    await cluster!.advance(60_000);
    expect(events).toEqual([]);
  });

  it('given a negative reconnect interval, when created, then it fails with ERR_CONFIG; a partial setting keeps the other default', async () => {
    cluster = new TestCluster('reconnect-config');
    await expect(cluster.add('a', { reconnect: { intervalMs: -1, timeoutMs: 1 } })).rejects.toSatisfy((e) =>
      isMemberlistError(e, 'ERR_CONFIG'),
    );
    await expect(cluster.add('b', { reconnect: { intervalMs: 1_000 } as never })).resolves.toBeDefined();
  });
});
