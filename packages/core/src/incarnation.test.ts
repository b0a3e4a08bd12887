import { encodeAlive, encodeDead, encodeSuspect, ipToBytes } from '@gossip/wire';
import { describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
import { TestCluster, type TestNode, shutDownAfterEach } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';

const started = shutDownAfterEach();

const MAX_UINT32 = 0xffffffff;

/** A 4-node cluster whose node-3 is the victim, and a raw sender that can spoof anything. */
async function cluster4(seed: string): Promise<{ cluster: TestCluster; peer: RawPeer; nodes: TestNode[]; victim: TestNode; others: TestNode[] }> {
  const cluster = new TestCluster(seed);
  started.cluster = cluster;
  const nodes = await cluster.start(4);
  await cluster.until(() => cluster.converged(nodes, nodes.map((n) => n.name)), 30_000, 'convergence');
  const peer = await RawPeer.start(cluster.network, '10.0.9.9:7946');
  started.peers.push(peer);
  return { cluster, peer, nodes, victim: nodes[3]!, others: nodes.slice(0, 3) };
}

/** Sends `msg` from the raw peer to every node, the victim included (a spoofer reaches everyone). */
async function spoofToAll(peer: RawPeer, nodes: readonly TestNode[], msg: Uint8Array): Promise<void> {
  for (const n of nodes) await peer.send(n.address, msg);
}

const aliveOnAll = (others: readonly TestNode[], name: string): boolean => others.every((o) => o.node.member(name)?.state === 'alive');

describe('a spoofed incarnation at 2^32-1', () => {
  it.each([
    ['suspect', (node: string) => encodeSuspect({ node, incarnation: MAX_UINT32, from: 'mallory' })],
    ['dead', (node: string) => encodeDead({ node, incarnation: MAX_UINT32, from: 'mallory' })],
    ['alive', (node: string) => encodeAlive({ node, incarnation: MAX_UINT32, addr: ipToBytes('10.0.0.4'), port: 7946, meta: null, vsn: Uint8Array.of(1, 5, 2, 0, 0, 0) })],
  ] as const)(
    'given a spoofed %s about the victim, when it reaches every node, then the victim stays alive everywhere and a later ordinary suspicion is refuted',
    async (_kind, spoof) => {
      const { cluster, peer, nodes, victim, others } = await cluster4(`spoof-${_kind}`);
      const before = others[0]!.node.member(victim.name)!.incarnation;
      await spoofToAll(peer, nodes, spoof(victim.name));

      // Within 30 s the victim is alive on every peer, at an incarnation nowhere near saturation.
      await cluster.until(() => aliveOnAll(others, victim.name), 30_000, 'victim alive on every peer');
      await cluster.advance(30_000);
      expect(aliveOnAll(others, victim.name)).toBe(true);
      const after = others.map((o) => o.node.member(victim.name)!.incarnation);
      for (const inc of after) expect(inc).toBeLessThan(before + 1024);
      const rejected = nodes.reduce((sum, n) => sum + n.metrics.counter(MetricNames.incarnationRejected, { type: _kind }), 0);
      expect(rejected).toBe(nodes.length);

      // An ordinary suspicion (at the incarnation the cluster holds) is refuted: the victim outbids it.
      const held = others[0]!.node.member(victim.name)!.incarnation;
      await peer.send(others[0]!.address, encodeSuspect({ node: victim.name, incarnation: held, from: others[1]!.name }));
      await cluster.until(() => others.every((o) => (o.node.member(victim.name)?.incarnation ?? 0) > held), 30_000, 'refutation');
      expect(aliveOnAll(others, victim.name)).toBe(true);
    },
  );

  it('given maxIncarnationJump, when a suspicion jumps less than it, then it is an ordinary suspicion, refuted above it', async () => {
    const { cluster, peer, others, victim } = await cluster4('small-jump');
    const held = others[0]!.node.member(victim.name)!.incarnation;
    await peer.send(others[0]!.address, encodeSuspect({ node: victim.name, incarnation: held + 100, from: others[1]!.name }));
    await cluster.until(() => others.every((o) => (o.node.member(victim.name)?.incarnation ?? 0) > held + 100), 30_000, 'refutation');
    expect(aliveOnAll(others, victim.name)).toBe(true);
  });
});
