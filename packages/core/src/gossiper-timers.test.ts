import type { DialOptions, Transport, TransportHandlers } from '@gossip/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingClock } from '../test/counting-clock.js';
import { TestCluster, type NodeOverrides, type TestNode } from '../test/harness.js';
import { POST_JOIN_MAX_FAILURES } from './gossiper.js';
import { MetricNames } from './metrics.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/** Three LAN nodes joined and settled (queues drained); returns the timer wake-ups per node per idle second. */
async function idleWakeupsPerNodeSecond(seed: string, overrides: NodeOverrides): Promise<number> {
  cluster = new TestCluster(seed);
  const clocks: CountingClock[] = [];
  const nodes: TestNode[] = [];
  for (let i = 0; i < 3; i++) {
    const clock = new CountingClock(cluster.clock);
    clocks.push(clock);
    nodes.push(await cluster.add(`node-${i}`, { pushPullIntervalMs: 0, ...overrides }, undefined, { clock }));
  }
  for (const t of nodes.slice(1)) await cluster.run(t.node.join([nodes[0]!.address]));
  await cluster.until(() => nodes.every((t) => t.node.numMembers() === 3 && t.node.numQueuedBroadcasts() === 0), 20_000);
  await cluster.advance(5_000);
  expect(nodes.every((t) => t.node.numQueuedBroadcasts() === 0)).toBe(true);
  for (const c of clocks) c.fired = 0;
  const seconds = 20;
  await cluster.advance(seconds * 1000);
  return clocks.reduce((sum, c) => sum + c.fired, 0) / clocks.length / seconds;
}

describe('idle gossip timer', () => {
  it('given a settled LAN cluster with nothing queued, when idle, then the gossip timer sleeps: about 5 fewer wake-ups per second than with a broadcast delegate', async () => {
    // A delegate that supplies broadcasts keeps memberlist's fixed 200 ms cadence: the "before" figure.
    const ticking = await idleWakeupsPerNodeSecond('idle-timers', { delegate: { getBroadcasts: () => [] } });
    await cluster?.shutdown();
    const sleeping = await idleWakeupsPerNodeSecond('idle-timers', {});
    // What is left is the probe tick, once a second (acks arrive in time, so their deadlines are cleared unfired).
    expect(sleeping).toBeLessThanOrEqual(1.5);
    expect(ticking - sleeping).toBeGreaterThanOrEqual(4.9);
    expect(ticking - sleeping).toBeLessThanOrEqual(5.1);
  });

  it('given a sleeping gossip timer, when a broadcast is queued (updateNode), then gossip wakes and every peer learns it within a few gossip intervals', async () => {
    cluster = new TestCluster('idle-wake');
    const nodes = await cluster.start(4, { pushPullIntervalMs: 0, probeIntervalMs: 60_000 });
    await cluster.until(() => nodes.every((t) => t.node.numQueuedBroadcasts() === 0 && t.node.numMembers() === 4), 20_000);
    await cluster.advance(3_000);
    const [a, ...peers] = nodes as [TestNode, ...TestNode[]];
    const before = a.node.localNode().incarnation;
    const started = cluster.clock.now();
    const updated = a.node.updateNode(0);
    // Probes are 60 s apart, so nothing but gossip rounds can carry the update here.
    const took = await cluster.until(() => peers.every((p) => (p.node.member(a.name)?.incarnation ?? 0) > before), 5_000);
    await cluster.run(updated);
    expect(took).toBeLessThanOrEqual(3 * 200);
    expect(cluster.clock.now() - started).toBeLessThan(5_000);
  });

  it('given the same seed, when the idle-and-wake scenario runs twice, then both runs produce the same event trace', async () => {
    const trace = async (): Promise<string[]> => {
      const out: string[] = [];
      cluster = new TestCluster('idle-trace', 'lan', (ev) => {
        if (ev.type === 'packet-delivered') out.push(`${ev.at} ${ev.from}>${ev.to} ${ev.size}`);
      });
      const nodes = await cluster.start(5, { pushPullIntervalMs: 0 });
      await cluster.advance(10_000);
      await cluster.run(nodes[2]!.node.updateNode(0));
      await cluster.advance(10_000);
      out.push(...nodes.map((t) => `${t.name}:${t.node.members().map((m) => `${m.name}/${m.incarnation}`).join(',')}`));
      await cluster.shutdown();
      cluster = undefined;
      return out;
    };
    const first = await trace();
    expect(first.length).toBeGreaterThan(100);
    expect(await trace()).toEqual(first);
  });
});

describe('post-join push/pull', () => {
  /**
   * a is the seed; b joins, then is cut off while c joins, so a's gossip of c's alive never reaches b and every
   * queue drains before the partition heals. Periodic push/pull is off, so nothing else can tell b about c.
   */
  async function gapScenario(postJoinPushPullDelayMs: number): Promise<{ b: TestNode; closedAt: number | undefined }> {
    cluster = new TestCluster('post-join-gap');
    const overrides = { pushPullIntervalMs: 0, postJoinPushPullDelayMs };
    const a = await cluster.add('a', overrides);
    const b = await cluster.add('b', overrides);
    const c = await cluster.add('c', overrides);
    const joinedAt = cluster.clock.now();
    await cluster.run(b.node.join([a.address]));
    const cut = cluster.network.partition([b.address]);
    await cluster.run(c.node.join([a.address]));
    await cluster.advance(1_500 - (cluster.clock.now() - joinedAt));
    cut.heal();
    // The gap: b does not know c, and no queue holds anything that could still tell it.
    expect(b.node.member('c')).toBeUndefined();
    // Only b's own refutation (a suspected it while it was cut off) may still be queued; it is about b, not c.
    expect([a, c].every((t) => t.node.numQueuedBroadcasts() === 0)).toBe(true);
    const found = await cluster.clock.runUntil(() => b.node.member('c')?.state === 'alive', 20_000);
    return { b, closedAt: found ? cluster.clock.now() - joinedAt : undefined };
  }

  it('given a join-storm view gap and the feature disabled (0), when 20 s pass, then the gap persists (memberlist behaviour without push/pull)', async () => {
    const { b, closedAt } = await gapScenario(0);
    expect(closedAt).toBeUndefined();
    expect(b.node.member('c')).toBeUndefined();
  });

  it('given the same gap, when the post-join push/pull brings c, then b lists c without queueing c\'s alive for gossip (old news to the others)', async () => {
    cluster = new TestCluster('post-join-quiet');
    const overrides = { pushPullIntervalMs: 0, postJoinPushPullDelayMs: 2_000 };
    const a = await cluster.add('a', overrides);
    let queuedAtDial = -1;
    const b = await cluster.add('b', overrides, undefined, {
      wrap: (t: Transport): Transport =>
        Object.assign(Object.create(t) as Transport, {
          start: (handlers: TransportHandlers) => t.start(handlers),
          dial: (to: string, options?: DialOptions) => {
            queuedAtDial = b.node.numQueuedBroadcasts();
            return t.dial(to, options);
          },
        }),
    });
    const c = await cluster.add('c', overrides);
    await cluster.run(b.node.join([a.address]));
    const cut = cluster.network.partition([b.address]);
    await cluster.run(c.node.join([a.address]));
    await cluster.advance(1_500);
    cut.heal();
    let queuedAtJoin = -1;
    b.node.on('join', (e) => {
      if (e.member.name === 'c') queuedAtJoin = b.node.numQueuedBroadcasts();
    });
    expect(await cluster.clock.runUntil(() => b.node.member('c')?.state === 'alive', 20_000)).toBe(true);
    // Between the dial and the merge the queue can only shrink (b's own refutation finishing its sends).
    expect(queuedAtDial).toBeGreaterThanOrEqual(0);
    expect(queuedAtJoin).toBeLessThanOrEqual(queuedAtDial);
  });

  it('given the same gap and postJoinPushPullDelayMs 2000 (LAN default), when time passes, then b learns c within 2 × 2000 ms of its join', async () => {
    const { closedAt } = await gapScenario(2_000);
    expect(closedAt).toBeDefined();
    expect(closedAt!).toBeGreaterThanOrEqual(2_000);
    expect(closedAt!).toBeLessThan(4_000 + 200);
  });
});

describe('post-join push/pulls', () => {
  const exchanges = (t: TestNode): number => t.metrics.sample(MetricNames.pushPullNode)?.count ?? 0;

  it('given a settled cluster, when a node joins, then one post-join push/pull follows (it brings nothing new)', async () => {
    cluster = new TestCluster('post-join-once');
    const [seed] = await cluster.start(3, { pushPullIntervalMs: 0 });
    const joiner = await cluster.add('joiner', { pushPullIntervalMs: 0 });
    await cluster.run(joiner.node.join([seed!.address]));
    const afterJoin = exchanges(joiner);
    await cluster.advance(60_000);
    expect(exchanges(joiner) - afterJoin).toBe(1);
  });

  it('given streams that fail after the join (datagrams still flow), when the post-join push/pull fails, then it is tried again, 4 times in all', async () => {
    cluster = new TestCluster('post-join-retries');
    const [seed] = await cluster.start(1, { pushPullIntervalMs: 0 });
    let failing = false;
    let failed = 0;
    const streamsFail = (t: Transport): Transport =>
      Object.assign(Object.create(t) as Transport, {
        start: (handlers: TransportHandlers) => t.start(handlers),
        dial: (to: string, options?: DialOptions) => {
          if (!failing) return t.dial(to, options);
          failed++;
          return Promise.reject(Object.assign(new Error('refused'), { code: 'ERR_REFUSED' }));
        },
      });
    const joiner = await cluster.add('joiner', { pushPullIntervalMs: 0 }, undefined, { wrap: streamsFail });
    await cluster.run(joiner.node.join([seed!.address]));
    failing = true;
    await cluster.advance(120_000);
    expect(seed!.node.member('joiner')?.state).toBe('alive');
    expect(joiner.node.member('node-0')?.state).toBe('alive');
    expect(failed).toBe(POST_JOIN_MAX_FAILURES);
  });
});
