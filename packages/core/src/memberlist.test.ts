import { afterEach, describe, expect, it } from 'vitest';
import { type MemberEvent, isMemberlistError } from './index.js';
import { TestCluster } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

describe('Memberlist lifecycle', () => {
  it('given a new node, then it is alone, alive at incarnation 1, with the advertised address and versions', async () => {
    cluster = new TestCluster('create');
    const a = await cluster.add('a', { delegateProtocolMax: 3, delegateProtocolVersion: 2 });
    expect(a.node.localNode()).toMatchObject({
      name: 'a',
      addr: '10.0.0.1',
      port: 7946,
      address: '10.0.0.1:7946',
      state: 'alive',
      incarnation: 1,
      pmin: 1,
      pmax: 5,
      pcur: 2,
      dmin: 0,
      dmax: 3,
      dcur: 2,
    });
    expect(a.node.members().map((m) => m.name)).toEqual(['a']);
    expect(a.node.healthScore()).toBe(0);
  });

  it('given an invalid config, when created, then it rejects with ERR_CONFIG before touching the transport', async () => {
    cluster = new TestCluster('bad-config');
    await expect(cluster.add('a', { probeIntervalMs: -1 })).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_CONFIG'));
  });

  it('given a node, when shut down twice, then both calls resolve and later operations fail with ERR_SHUTDOWN', async () => {
    cluster = new TestCluster('shutdown');
    const a = await cluster.add('a');
    await Promise.all([a.node.shutdown(), a.node.shutdown()]);
    await expect(a.node.join(['10.0.0.2:7946'])).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_SHUTDOWN'));
    await expect(a.node.leave(100)).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_SHUTDOWN'));
    expect(cluster.clock.pendingTimers()).toBe(0);
  });

  it('given a node alone, when it leaves, then leave resolves at once (nobody to tell)', async () => {
    cluster = new TestCluster('leave-alone');
    const a = await cluster.add('a');
    await a.node.leave(1_000);
    expect(a.node.localNode().state).toBe('left');
  });

  it('given a peer that went silent, when leaving with a short timeout, then leave rejects with ERR_TIMEOUT', async () => {
    cluster = new TestCluster('leave-timeout');
    const a = await cluster.add('a', { gossipIntervalMs: 0 });
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    await expect(cluster.run(a.node.leave(50))).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_TIMEOUT'));
  });

  it('given a node that left, when an alive about itself arrives, then it is ignored (no rejoin)', async () => {
    cluster = new TestCluster('left-ignore');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    await cluster.run(a.node.leave(5_000));
    await cluster.advance(5_000);
    expect(a.node.localNode().state).toBe('left');
    expect(b.node.member('a')?.state).toBe('left');
  });
});

describe('events', () => {
  it('given an events() iterator, when nodes join and one leaves, then it yields the changes with member snapshots and times', async () => {
    cluster = new TestCluster('events');
    const a = await cluster.add('a');
    const controller = new AbortController();
    const seen: MemberEvent[] = [];
    const loop = (async () => {
      for await (const ev of a.node.events({ signal: controller.signal })) seen.push(ev);
    })();
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    await cluster.advance(1_000);
    await cluster.run(b.node.leave(5_000));
    await cluster.until(() => seen.some((e) => e.type === 'leave'), 5_000, 'leave event');
    controller.abort();
    await loop;
    expect(seen.map((e) => `${e.type}:${e.member.name}:${e.member.state}`)).toEqual(['join:b:alive', 'leave:b:left']);
    expect(seen[1]!.at).toBeGreaterThanOrEqual(seen[0]!.at);
  });

  it('given an event delegate, when the node starts and a peer joins, then notifyJoin is called for both (like memberlist)', async () => {
    cluster = new TestCluster('event-delegate');
    const joined: string[] = [];
    const a = await cluster.add('a', { events: { notifyJoin: (m) => joined.push(m.name) } });
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    expect(joined).toEqual(['a', 'b']);
  });
});

describe('determinism', () => {
  async function trace(seed: string): Promise<string[]> {
    const c = new TestCluster(seed);
    const log: string[] = [];
    const nodes = await c.start(5);
    for (const t of nodes) {
      for (const type of ['join', 'leave', 'suspect', 'alive', 'update'] as const) {
        t.node.on(type, (e) => log.push(`${e.at}:${t.name}:${type}:${e.member.name}:${e.member.incarnation}`));
      }
    }
    c.network.setDefaults({ lossRate: 0.1, latencyMs: 2, jitterMs: 3 });
    await c.advance(10_000);
    c.network.crash(nodes[3]!.address, 'blackhole');
    await nodes[3]!.node.shutdown();
    await c.advance(40_000);
    await c.shutdown();
    return log;
  }

  it('given the same seed, when a lossy scenario runs twice, then the event traces are identical', async () => {
    const first = await trace('det');
    const second = await trace('det');
    expect(first.length).toBeGreaterThan(3);
    expect(second).toEqual(first);
  });
});

describe('Memberlist.preloadMembers', () => {
  it('given snapshots of other nodes, when preloaded, then they are listed alive with nothing sent or announced, and probing them works', async () => {
    cluster = new TestCluster('preload');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const c = await cluster.add('c', { cidrsAllowed: ['10.0.0.0/24'] });
    const events: MemberEvent[] = [];
    a.node.on('join', (e) => events.push(e));
    const everyone = [a.node.localNode(), b.node.localNode(), c.node.localNode()];
    const outsider = { ...b.node.localNode(), name: 'far', addr: '192.168.1.1', address: '192.168.1.1:7946' };
    const dead = { ...b.node.localNode(), name: 'gone', state: 'dead' as const };

    expect(a.node.preloadMembers([...everyone, dead])).toBe(2);
    expect(a.node.preloadMembers(everyone)).toBe(0);
    expect(c.node.preloadMembers([...everyone, outsider])).toBe(2);
    b.node.preloadMembers(everyone);

    expect(a.node.members().map((m) => `${m.name}:${m.state}:${m.incarnation}`).sort()).toEqual([
      'a:alive:1',
      'b:alive:1',
      'c:alive:1',
    ]);
    expect(a.node.member('b')?.address).toBe(b.address);
    expect(c.node.member('far')).toBeUndefined();
    expect(events).toEqual([]);
    expect(cluster.network.stats().packetsSent).toBe(0);
    await expect(cluster.run(a.node.ping('b'))).resolves.toBeGreaterThanOrEqual(0);
    // A preloaded node is a full member: crashing it is detected like any other.
    cluster.network.crash(c.address);
    await cluster.until(() => a.node.member('c')?.state === 'dead', 60_000, 'c declared dead');
  });
});
