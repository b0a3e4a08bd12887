import { afterEach, describe, expect, it } from 'vitest';
import { type MemberEvent, MetricNames, TransmitLimitedQueue, isMemberlistError, lanConfig } from './index.js';
import { TestCluster, type TestNode } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('a small cluster on a perfect network', () => {
  it('given three nodes, when two join the first, then all see all three alive', async () => {
    cluster = new TestCluster('converge');
    const nodes = await cluster.start(3);
    const names = nodes.map((n) => n.name);
    await cluster.until(() => cluster!.converged(nodes, names), 10_000, 'convergence');
    for (const t of nodes) {
      expect(t.node.numMembers()).toBe(3);
      expect(t.node.localNode().incarnation).toBe(1);
    }
  });

  it('given five converged nodes, when one crashes, then it is suspected and declared dead within Lifeguard bounds', async () => {
    cluster = new TestCluster('crash');
    const nodes = await cluster.start(5);
    await cluster.until(() => cluster!.converged(nodes, nodes.map((n) => n.name)), 10_000, 'convergence');
    const victim = nodes[4]!;
    const survivors = nodes.slice(0, 4);
    const suspectedAt = new Map<string, number>();
    for (const t of survivors) {
      t.node.on('suspect', (ev) => {
        if (ev.member.name === victim.name && !suspectedAt.has(t.name)) suspectedAt.set(t.name, ev.at);
      });
    }
    cluster.network.crash(victim.address, 'blackhole');
    await victim.node.shutdown();
    const crashedAt = cluster.clock.now();

    await cluster.until(() => survivors.every((t) => cluster!.stateOf(t, victim.name) === 'dead'), 60_000, 'death');
    const firstSuspicion = Math.min(...suspectedAt.values());
    // SWIM: someone probes the victim within a few protocol periods (4 peers, round robin, 1 s each).
    expect(firstSuspicion - crashedAt).toBeLessThan(6_000);
    // Lifeguard: never below the minimum suspicion timeout (4 s at n ≤ 10), never above the maximum (24 s).
    const deadAt = cluster.clock.now();
    expect(deadAt - firstSuspicion).toBeGreaterThanOrEqual(4_000);
    expect(deadAt - firstSuspicion).toBeLessThanOrEqual(24_000 + 1_000);
    for (const t of survivors) {
      expect(t.node.members().map((m) => m.name)).not.toContain(victim.name);
      expect(t.node.allMembers().find((m) => m.name === victim.name)?.state).toBe('dead');
    }
  });

  it('given a converged cluster, when a node leaves, then the others mark it left and it stops counting', async () => {
    cluster = new TestCluster('leave');
    const nodes = await cluster.start(4);
    await cluster.until(() => cluster!.converged(nodes, nodes.map((n) => n.name)), 10_000, 'convergence');
    const leaver = nodes[2]!;
    const others = nodes.filter((n) => n !== leaver);
    const leaves: MemberEvent[] = [];
    others[0]!.node.on('leave', (ev) => leaves.push(ev));
    await cluster.run(leaver.node.leave(5_000));
    await leaver.node.shutdown();
    await cluster.until(() => others.every((t) => cluster!.stateOf(t, leaver.name) === 'left'), 5_000, 'left');
    for (const t of others) expect(t.node.numMembers()).toBe(3);
    expect(leaves.map((e) => [e.member.name, e.member.state])).toEqual([[leaver.name, 'left']]);
  });

  it('given a node that crashed and was declared dead, when it restarts with the same name and incarnation 1, then it refutes and becomes alive', async () => {
    cluster = new TestCluster('refute');
    const nodes = await cluster.start(4);
    await cluster.until(() => cluster!.converged(nodes, nodes.map((n) => n.name)), 10_000, 'convergence');
    const victim = nodes[3]!;
    const others = nodes.slice(0, 3);
    await victim.node.shutdown();
    await cluster.until(() => others.every((t) => cluster!.stateOf(t, victim.name) === 'dead'), 60_000, 'death');

    const reborn = await cluster.add(victim.name, {}, victim.address);
    expect(reborn.node.localNode().incarnation).toBe(1);
    await cluster.run(reborn.node.join([others[0]!.address]));
    await cluster.until(() => others.every((t) => cluster!.stateOf(t, victim.name) === 'alive'), 10_000, 'refutation');
    expect(reborn.node.localNode().incarnation).toBeGreaterThan(1);
    for (const t of others) expect(t.node.member(victim.name)?.incarnation).toBe(reborn.node.localNode().incarnation);
  });

  it('given a member, when another process claims its name from another address, then the claim is rejected and the conflict delegate is told', async () => {
    cluster = new TestCluster('conflict');
    const conflicts: [string, string][] = [];
    const a = await cluster.add('node-a', { conflict: { notifyConflict: (e, o) => conflicts.push([e.address, o.address]) } });
    const b = await cluster.add('node-b');
    await cluster.run(b.node.join([a.address]));
    const impostor = await cluster.add('node-b');
    await cluster.run(impostor.node.join([a.address]));
    expect(a.node.member('node-b')?.address).toBe(b.address);
    expect(conflicts[0]).toEqual([b.address, impostor.address]);
  });

  it('given a converged cluster, when a node updates its metadata, then the others receive an update event with it', async () => {
    cluster = new TestCluster('meta');
    let meta = text('role=db');
    const nodes = await cluster.start(3);
    const subject = await cluster.add('node-meta', { delegate: { nodeMeta: () => meta } });
    await cluster.run(subject.node.join([nodes[0]!.address]));
    const all = [...nodes, subject];
    await cluster.until(() => cluster!.converged(all, all.map((n) => n.name)), 10_000, 'convergence');
    expect(str(nodes[1]!.node.member('node-meta')!.meta)).toBe('role=db');

    const updates: MemberEvent[] = [];
    nodes[1]!.node.on('update', (ev) => updates.push(ev));
    meta = text('role=primary');
    await cluster.run(subject.node.updateNode(10_000));
    await cluster.until(() => nodes.every((t) => str(t.node.member('node-meta')!.meta) === 'role=primary'), 5_000, 'meta');
    expect(updates.map((e) => str(e.member.meta))).toEqual(['role=primary']);
    expect(subject.node.localNode().incarnation).toBe(2);
  });

  it('given metadata above metaMaxSize, when a node is created, then it fails with ERR_META_TOO_LARGE', async () => {
    cluster = new TestCluster('meta-limit');
    await expect(cluster.add('big', { delegate: { nodeMeta: () => new Uint8Array(513) } })).rejects.toSatisfy((e) =>
      isMemberlistError(e, 'ERR_META_TOO_LARGE'),
    );
  });
});

describe('user messages, broadcasts and state', () => {
  it('given two nodes, when one sends best-effort and reliable messages, then the other delegate receives both', async () => {
    cluster = new TestCluster('user-msg');
    const received: string[] = [];
    const a = await cluster.add('a');
    const b = await cluster.add('b', { delegate: { notifyMsg: (m) => received.push(str(m)) } });
    await cluster.run(b.node.join([a.address]));
    await cluster.run(a.node.sendBestEffort('b', text('hello over udp')));
    await cluster.run(a.node.sendReliable(a.node.member('b')!, text('hello over tcp')));
    await cluster.run(a.node.sendToAddress(b.address, text('hello by address')));
    await cluster.until(() => received.length === 3, 1_000, 'delivery');
    expect(received.sort()).toEqual(['hello by address', 'hello over tcp', 'hello over udp']);
    await expect(a.node.sendReliable('nobody', text('x'))).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_UNKNOWN_NODE'));
  });

  it('given a node queueing user broadcasts, when gossip runs, then every other node receives each broadcast once per transmit', async () => {
    cluster = new TestCluster('user-bcast');
    const queue = new TransmitLimitedQueue({ numNodes: () => 4, retransmitMult: 3 });
    const got = new Map<string, Set<string>>();
    const recorder = (name: string) => ({ notifyMsg: (m: Uint8Array) => got.get(name)!.add(str(m)) });
    for (const n of ['b', 'c', 'd']) got.set(n, new Set());
    const a = await cluster.add('a', { delegate: { getBroadcasts: (o, l) => queue.getBroadcasts(o, l) } });
    const others: TestNode[] = [];
    for (const n of ['b', 'c', 'd']) {
      const t = await cluster.add(n, { delegate: recorder(n) });
      await cluster.run(t.node.join([a.address]));
      others.push(t);
    }
    for (const k of ['k1=v1', 'k2=v2']) {
      queue.queueBroadcast({ message: () => text(k), invalidates: () => false, finished: () => undefined });
    }
    await cluster.until(() => [...got.values()].every((s) => s.size === 2), 5_000, 'broadcast delivery');
    expect(queue.numQueued()).toBeLessThanOrEqual(2);
    await cluster.advance(5_000);
    expect(queue.numQueued()).toBe(0);
  });

  it('given delegates with local state, when a node joins, then both sides merge the other side state with join=true', async () => {
    cluster = new TestCluster('push-pull-state');
    const merged: string[] = [];
    const delegate = (name: string) => ({
      localState: (join: boolean) => text(`${name}:${join}`),
      mergeRemoteState: (s: Uint8Array, join: boolean) => merged.push(`${name}<-${str(s)}/${join}`),
    });
    const a = await cluster.add('a', { delegate: delegate('a') });
    const b = await cluster.add('b', { delegate: delegate('b') });
    await cluster.run(b.node.join([a.address]));
    await cluster.until(() => merged.length === 2, 1_000, 'merge');
    expect(merged.sort()).toEqual(['a<-b:true/true', 'b<-a:true/true']);
    // Periodic anti-entropy uses join=false.
    await cluster.advance(70_000);
    expect(merged.some((m) => m.endsWith('/false'))).toBe(true);
  });
});

describe('isolation and security', () => {
  it('given nodes with different labels, when one tries to join the other, then the join fails and the packets are dropped', async () => {
    cluster = new TestCluster('labels');
    const a = await cluster.add('a', { label: 'prod' });
    const b = await cluster.add('b', { label: 'staging' });
    await expect(cluster.run(b.node.join([a.address]))).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_JOIN'));
    // A seed that drops us unanswered looks busy: every one of the joiner's attempts is tried and dropped.
    expect(a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_LABEL' })).toBe(lanConfig().joinAttempts);
    const c = await cluster.add('c', { label: 'prod' });
    await cluster.run(c.node.join([a.address]));
    await cluster.until(() => cluster!.converged([a, c], ['a', 'c']), 5_000, 'same-label convergence');
    expect(b.node.numMembers()).toBe(1);
  });

  it('given a node skipping the inbound label check, when an unlabelled peer talks to it, then it accepts the traffic', async () => {
    cluster = new TestCluster('skip-label');
    const a = await cluster.add('a', { label: 'prod', skipInboundLabelCheck: true });
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 5_000, 'convergence');
  });

  it('given nodes sharing a cipher, when they gossip, then they converge; a node without the key cannot join', async () => {
    cluster = new TestCluster('encryption');
    const { fakeCipher } = await import('../test/fake-cipher.js');
    const nodes: TestNode[] = [];
    for (const n of ['a', 'b', 'c']) nodes.push(await cluster.add(n, { cipher: fakeCipher(7), label: 'secure' }));
    for (const t of nodes.slice(1)) await cluster.run(t.node.join([nodes[0]!.address]));
    await cluster.until(() => cluster!.converged(nodes, ['a', 'b', 'c']), 10_000, 'encrypted convergence');
    const outsider = await cluster.add('x', { cipher: fakeCipher(9), label: 'secure' });
    await expect(cluster.run(outsider.node.join([nodes[0]!.address]))).rejects.toSatisfy((e) =>
      isMemberlistError(e, 'ERR_JOIN'),
    );
    const plain = await cluster.add('p', { label: 'secure' });
    await expect(cluster.run(plain.node.join([nodes[0]!.address]))).rejects.toSatisfy((e) => isMemberlistError(e, 'ERR_JOIN'));
    expect(nodes[0]!.metrics.counter(MetricNames.streamDropped, { code: 'ERR_ENCRYPTION' })).toBe(2);
  });

  it('given gossipVerifyIncoming off on the encrypted side, when a plaintext node joins, then it is accepted (key rollout)', async () => {
    cluster = new TestCluster('rollout');
    const { fakeCipher } = await import('../test/fake-cipher.js');
    const a = await cluster.add('a', { cipher: fakeCipher(3), gossipVerifyIncoming: false, gossipVerifyOutgoing: false });
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 5_000, 'convergence');
    a.node.setGossipVerify({ incoming: true, outgoing: true });
    expect(a.node.healthScore()).toBe(0);
  });

  it('given a running node, when it receives garbage datagrams, then it drops and counts them and keeps working', async () => {
    cluster = new TestCluster('garbage');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const raw = cluster.network.endpoint('10.9.9.9:7946');
    await raw.start({ onPacket: () => undefined, onStream: (s) => s.destroy() });
    const garbage = [
      Uint8Array.of(),
      Uint8Array.of(0x00),
      Uint8Array.of(0x07, 0x05, 0x00),
      Uint8Array.of(0x0c, 1, 2, 3, 4, 0x00),
      Uint8Array.of(0x09, 0x82, 0xa4),
      Uint8Array.of(0xf4, 0x00),
      Uint8Array.of(0x63, 0x01),
      Uint8Array.of(0x04, 0x86, 0xa4, 0x41, 0x64, 0x64, 0x72),
    ];
    for (const g of garbage) await raw.sendPacket(a.address, g);
    await cluster.advance(10);
    const dropped = ['ERR_EMPTY', 'ERR_TRUNCATED', 'ERR_MALFORMED', 'ERR_CRC_MISMATCH', 'ERR_LABEL', 'ERR_UNKNOWN_TYPE'].reduce(
      (sum, code) => sum + a.metrics.counter(MetricNames.packetDropped, { code }),
      0,
    );
    expect(dropped).toBeGreaterThanOrEqual(garbage.length - 1);
    await cluster.run(b.node.join([a.address]));
    await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 5_000, 'convergence after garbage');
    await raw.shutdown();
  });
});
