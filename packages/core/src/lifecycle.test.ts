import { afterEach, describe, expect, it } from 'vitest';
import { isMemberlistError } from './index.js';
import { CountingClock } from '../test/counting-clock.js';
import { TestCluster, type TestNode } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

describe('shutdown in the middle of work', () => {
  it('given probes, indirect probes and suspicions in flight, when every node shuts down, then no timer is left on the clock', async () => {
    cluster = new TestCluster('lifecycle-timers');
    // The nodes' timers go through their own counting clock: a dial to the blackholed node can leave the memory
    // network's dial deadline on the shared clock (transports cannot cancel a dial), and that one is not ours.
    const clock = new CountingClock(cluster.clock);
    const nodes: TestNode[] = [];
    for (let i = 0; i < 4; i++) nodes.push(await cluster.add(`node-${i}`, {}, undefined, { clock }));
    for (const t of nodes.slice(1)) await cluster.run(t.node.join([nodes[0]!.address]));
    await cluster.until(() => cluster!.converged(nodes, ['node-0', 'node-1', 'node-2', 'node-3']), 30_000, 'convergence');
    cluster.network.crash(nodes[3]!.address, 'blackhole');
    // Let probes of the crashed node reach every phase: direct wait, indirect wait, suspicion.
    await cluster.until(() => nodes[0]!.node.member('node-3')?.state === 'suspect', 30_000, 'suspicion');
    await cluster.advance(537);
    expect(clock.pending()).toBeGreaterThan(0);
    await cluster.shutdown();
    await cluster.advance(0);
    expect(clock.pending()).toBe(0);
  });

  it('given a leave waiting for its broadcast with a timeout, when the node shuts down, then leave rejects with ERR_SHUTDOWN and no timer is left', async () => {
    cluster = new TestCluster('lifecycle-leave');
    const { a } = await cluster.pairWithUnreachablePeer();
    const leaving = a.node.leave(60_000).then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    await cluster.advance(10);
    await cluster.shutdown();
    expect(await cluster.run(leaving, 1_000)).toBe('ERR_SHUTDOWN');
    await cluster.advance(0);
    expect(cluster.clock.pendingTimers()).toBe(0);
  });

  it('given a leave waiting without limit, when the node shuts down, then leave settles instead of hanging', async () => {
    cluster = new TestCluster('lifecycle-leave-forever');
    const { a } = await cluster.pairWithUnreachablePeer();
    const leaving = a.node.leave(0).then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    await cluster.advance(10);
    await a.node.shutdown();
    expect(await cluster.run(leaving, 1_000)).toBe('ERR_SHUTDOWN');
  });

  it('given a ping waiting for its ack, when the node shuts down, then ping rejects with ERR_SHUTDOWN', async () => {
    cluster = new TestCluster('lifecycle-ping');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    cluster.network.crash(b.address, 'blackhole');
    const pinging = a.node.ping('b').then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    await cluster.advance(10);
    await a.node.shutdown();
    expect(await cluster.run(pinging, 1_000)).toBe('ERR_SHUTDOWN');
  });

  it('given an update waiting for its broadcast, when the node shuts down, then updateNode rejects with ERR_SHUTDOWN', async () => {
    cluster = new TestCluster('lifecycle-update');
    const { a } = await cluster.pairWithUnreachablePeer();
    const updating = a.node.updateNode(0).then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    await cluster.advance(10);
    await a.node.shutdown();
    expect(await cluster.run(updating, 1_000)).toBe('ERR_SHUTDOWN');
  });
});

describe('joins cut short', () => {
  it('given a join whose dial is still in flight, when the node shuts down, then join rejects with ERR_SHUTDOWN at once and the seed learns nothing', async () => {
    cluster = new TestCluster('lifecycle-join-shutdown');
    const seed = await cluster.add('seed');
    const a = await cluster.add('a');
    cluster.network.setLinkBothWays(a.address, seed.address, { latencyMs: 2_000 });
    const joining = a.node.join([seed.address]).then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    await cluster.advance(10);
    await a.node.shutdown();
    expect(await cluster.run(joining, 50)).toBe('ERR_SHUTDOWN');
    await cluster.advance(10_000);
    expect(seed.node.member('a')).toBeUndefined();
  });

  it('given a join whose dial is still in flight, when its signal aborts, then it rejects at once and the transport dial is cancelled with it', async () => {
    cluster = new TestCluster('lifecycle-join-abort');
    const seed = await cluster.add('seed');
    const a = await cluster.add('a');
    cluster.network.setLinkBothWays(a.address, seed.address, { latencyMs: 2_000 });
    const controller = new AbortController();
    const joining = a.node.join([seed.address], { signal: controller.signal }).then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    await cluster.advance(10);
    controller.abort();
    expect(await cluster.run(joining, 50)).toBe('ERR_ABORTED');
    await cluster.advance(20_000);
    // The SYN was still travelling: the cancelled dial drops it on arrival, so the seed never accepts a connection.
    expect(cluster.network.stats().streamsOpened).toBe(0);
    expect(seed.node.member('a')).toBeUndefined();
    expect(a.node.member('seed')).toBeUndefined();
    expect(a.node.numMembers()).toBe(1);
  });
});

describe('calls after leave', () => {
  it('given a node that left a cluster, when it updates its metadata, then updateNode rejects with ERR_LEFT instead of waiting for a broadcast that never comes', async () => {
    cluster = new TestCluster('lifecycle-update-after-leave');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    await cluster.run(a.node.leave(5_000));
    const updating = a.node.updateNode(0).then(
      () => 'resolved',
      (e: unknown) => (isMemberlistError(e) ? e.code : 'other'),
    );
    expect(await cluster.run(updating, 1_000)).toBe('ERR_LEFT');
  });
});

describe('our own entry after leaving', () => {
  it('given a node that left, when the gossip-to-the-dead time passes and the probe cycle reaps, then it still knows itself as left', async () => {
    cluster = new TestCluster('lifecycle-self-reap');
    const a = await cluster.add('a', { gossipToTheDeadTimeMs: 5_000 });
    const b = await cluster.add('b', { gossipToTheDeadTimeMs: 5_000 });
    await cluster.run(b.node.join([a.address]));
    await cluster.run(b.node.leave(5_000));
    await cluster.advance(30_000);
    expect(b.node.localNode()).toMatchObject({ name: 'b', state: 'left' });
    expect(b.node.allMembers().map((m) => m.name)).toContain('b');
  });
});

describe('leave retried', () => {
  it('given a leave that timed out, when leave is called again after the network recovered, then it waits for the same broadcast again and resolves', async () => {
    cluster = new TestCluster('lifecycle-leave-retry');
    const { a, b } = await cluster.pairWithUnreachablePeer();
    await expect(cluster.run(a.node.leave(50))).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_TIMEOUT'));
    cluster.network.restore(b.address);
    await cluster.run(a.node.leave(20_000), 25_000);
    expect(b.node.member('a')?.state).toBe('left');
  });
});
