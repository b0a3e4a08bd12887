import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames, isMemberlistError } from './index.js';
import { TestCluster, type NodeOverrides } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/** a and b joined through a, then cut apart until each has declared the other dead and reaped it, then healed. */
async function partitionedPair(seed: string, overrides: NodeOverrides) {
  cluster = new TestCluster(seed);
  const a = await cluster.add('a', overrides);
  const b = await cluster.add('b', overrides);
  await cluster.run(b.node.join([a.address]));
  await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 5_000, 'convergence');
  const cut = cluster.network.partition([a.address], [b.address]);
  await cluster.until(() => a.node.member('b') === undefined && b.node.member('a') === undefined, 120_000, 'reaping');
  void cut;
  cluster.network.heal();
  return { a, b };
}

/** Reconnect (on by default) would heal these partitions by itself; these tests are about rejoin alone. */
const NO_RECONNECT = { reconnect: { intervalMs: 0, timeoutMs: 0 } };

describe('periodic rejoin (opt-in)', () => {
  it('given neither rejoin nor reconnect, when a partition outlived the gossip-to-the-dead window and healed, then the two sides stay apart (memberlist behaviour)', async () => {
    const { a, b } = await partitionedPair('rejoin-off', NO_RECONNECT);
    await cluster!.advance(120_000);
    expect(a.node.numMembers()).toBe(1);
    expect(b.node.numMembers()).toBe(1);
  });

  it('given rejoin every 10 s, when such a partition healed, then the node that joined through seeds finds the cluster again within one interval (plus one attempt still timing out)', async () => {
    const { a, b } = await partitionedPair('rejoin-on', { ...NO_RECONNECT, rejoin: { intervalMs: 10_000 } });
    await cluster!.until(() => cluster!.converged([a, b], ['a', 'b']), 10_000 + 10_000 + 2_000, 'rejoin');
  });

  it('given rejoin with explicit seeds, when a node that never called join is alone, then it joins those seeds', async () => {
    cluster = new TestCluster('rejoin-explicit');
    const a = await cluster.add('a');
    const b = await cluster.add('b', { rejoin: { intervalMs: 5_000, seeds: [a.address] } });
    await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 6_000, 'rejoin');
  });

  it('given rejoin and no periodic push/pull, when a lone node rejoins, then a post-join push/pull follows within 2 × its delay, as after join()', async () => {
    cluster = new TestCluster('rejoin-post-join');
    const quiet = { pushPullIntervalMs: 0, disableTcpPings: true, postJoinPushPullDelayMs: 1_000 };
    const a = await cluster.add('a', quiet);
    const b = await cluster.add('b', { ...quiet, rejoin: { intervalMs: 5_000, seeds: [a.address] } });
    await cluster.until(() => b.node.member('a')?.state === 'alive', 6_000, 'rejoin');
    // The rejoin itself was one push/pull; nothing else of b's dials, so a second dial is the post-join one.
    expect(b.metrics.counter(MetricNames.tcpConnect)).toBe(1);
    await cluster.advance(2_000);
    expect(b.metrics.counter(MetricNames.tcpConnect)).toBe(2);
  });

  it('given rejoin configured, when the node is not alone, then it dials nobody beyond its regular traffic', async () => {
    cluster = new TestCluster('rejoin-not-alone');
    // No stream traffic of its own (periodic and post-join push/pull off, no TCP pings): any dial is a rejoin.
    const quiet = { pushPullIntervalMs: 0, postJoinPushPullDelayMs: 0, disableTcpPings: true };
    const a = await cluster.add('a', quiet);
    const b = await cluster.add('b', { ...quiet, rejoin: { intervalMs: 1_000 } });
    await cluster.run(b.node.join([a.address]));
    const dials = b.metrics.counter(MetricNames.tcpConnect);
    await cluster.advance(30_000);
    expect(b.metrics.counter(MetricNames.tcpConnect)).toBe(dials);
  });

  it('given rejoin configured, when the node left, then it does not rejoin', async () => {
    cluster = new TestCluster('rejoin-after-leave');
    const a = await cluster.add('a');
    const b = await cluster.add('b', { rejoin: { intervalMs: 1_000, seeds: [a.address] } });
    await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 2_000, 'first join');
    await cluster.run(b.node.leave(5_000));
    await cluster.advance(60_000);
    expect(a.node.member('b')?.state ?? 'reaped').not.toBe('alive');
    expect(b.node.localNode().state).toBe('left');
  });

  it('given an invalid rejoin interval, when created, then it fails with ERR_CONFIG', async () => {
    cluster = new TestCluster('rejoin-config');
    await expect(cluster.add('a', { rejoin: { intervalMs: 0 } })).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_CONFIG'));
  });
});
