import type { Stream } from '@gossip/transport';
import { NodeState, encodeAlive, encodeCompound, encodeIndirectPing, encodePushPull, encodeSuspect, ipToBytes } from '@gossip/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
import { TestCluster, type TestNode } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';

/** One node `a` on a fresh network, and a raw peer speaking to it from `peerAddress`. */
interface Fixture {
  readonly cluster: TestCluster;
  readonly a: TestNode;
  readonly peer: RawPeer;
}

let fixture: Fixture | undefined;
afterEach(async () => {
  const f = fixture;
  fixture = undefined;
  await f?.peer.shutdown();
  await f?.cluster.shutdown();
});

const PEER_IP = '10.0.0.50';

/** An alive about `node` at the peer's IP, versions [1, 5, 2, 0, 0, 0]. */
function aliveAbout(node: string, incarnation: number, port = 7946): Uint8Array {
  return encodeAlive({ node, incarnation, addr: ipToBytes(PEER_IP), port, meta: null, vsn: Uint8Array.of(1, 5, 2, 0, 0, 0) });
}

/** A push/pull naming one alive member `x` at the peer's IP and `port`. */
function pushPullOfX(port: number): Uint8Array {
  const entry = { name: 'x', addr: ipToBytes(PEER_IP), port, meta: null, incarnation: 1, state: NodeState.Alive };
  return encodePushPull({ join: false, states: [{ ...entry, vsn: Uint8Array.of(1, 5, 2, 0, 0, 0) }], userState: new Uint8Array(0) });
}

async function setup(seed: string, overrides = {}, peerAddress = `${PEER_IP}:7946`): Promise<Fixture> {
  const cluster = new TestCluster(seed);
  const a = await cluster.add('a', overrides);
  fixture = { cluster, a, peer: await RawPeer.start(cluster.network, peerAddress) };
  return fixture;
}

/** Sends one datagram from the peer and lets the node read it. */
async function deliver(f: Fixture, datagram: Uint8Array): Promise<void> {
  await f.peer.send(f.a.address, datagram);
  await f.cluster.advance(1);
}

/** Opens a stream from the peer, writes `bytes` and waits until the node closed or reset it. */
async function streamFrom(f: Fixture, bytes: Uint8Array): Promise<void> {
  const stream: Stream = await f.cluster.run(f.peer.endpoint.dial(f.a.address));
  await f.cluster.run(stream.write(bytes));
  const drained = (async () => {
    while ((await stream.read()) !== null);
  })();
  await f.cluster.run(drained.catch(() => undefined));
}

describe('datagram priority', () => {
  it('given one datagram carrying a suspect before an alive about a new node, when routed, then the alive is applied first', async () => {
    const f = await setup('route-priority');
    await deliver(f, encodeCompound([encodeSuspect({ node: 'x', incarnation: 2, from: 'y' }), aliveAbout('x', 2)], 64)[0]!);
    // Applied in arrival order the suspect would name an unknown node and be ignored.
    expect(f.a.node.member('x')?.state).toBe('suspect');
  });

  it('given a handoff queue of depth 1, when one datagram carries two alives, then the second is dropped and counted', async () => {
    const f = await setup('route-handoff', { handoffQueueDepth: 1 });
    await deliver(f, encodeCompound([aliveAbout('x', 1), aliveAbout('y', 1)], 64)[0]!);
    expect(f.a.node.allMembers().map((m) => m.name).sort()).toEqual(['a', 'x']);
    expect(f.a.metrics.counter(MetricNames.handoffDropped)).toBe(1);
  });
});

describe('admission', () => {
  it('given cidrsAllowed excluding the sender, when its alive about an allowed address arrives, then it is dropped as ERR_CIDR', async () => {
    const f = await setup('route-cidr-source', { cidrsAllowed: ['10.0.0.0/24'] }, '10.0.1.50:7946');
    await deliver(f, aliveAbout('x', 1));
    expect(f.a.node.member('x')).toBeUndefined();
    expect(f.a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_CIDR' })).toBe(1);
  });

  it('given cidrsAllowed excluding the dialer, when it opens a push/pull stream, then nothing is merged and the stream is dropped as ERR_CIDR', async () => {
    const f = await setup('route-cidr-stream', { cidrsAllowed: ['10.0.0.0/24'] }, '10.0.1.50:7946');
    await streamFrom(f, pushPullOfX(7946));
    expect(f.a.node.member('x')).toBeUndefined();
    expect(f.a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_CIDR' })).toBe(1);
  });
});

describe('port fix-up', () => {
  it('given an alive with port 0, when routed, then the member is listed on our own port', async () => {
    const f = await setup('route-port-alive');
    await deliver(f, aliveAbout('x', 1, 0));
    expect(f.a.node.member('x')?.address).toBe(`${PEER_IP}:${f.a.node.localNode().port}`);
  });

  it('given a push/pull entry with port 0, when merged, then the member is listed on our own port', async () => {
    const f = await setup('route-port-pushpull');
    await streamFrom(f, pushPullOfX(0));
    expect(f.a.node.member('x')?.address).toBe(`${PEER_IP}:${f.a.node.localNode().port}`);
  });

  it('given an indirect ping naming port 0, when relayed, then the target is pinged on our own port', async () => {
    const f = await setup('route-port-indirect');
    const target = await RawPeer.start(f.cluster.network, `10.0.0.51:${f.a.node.localNode().port}`);
    try {
      await deliver(f, encodeIndirectPing({ seqNo: 7, target: ipToBytes('10.0.0.51'), port: 0, node: 't', nack: false }));
      await f.cluster.advance(5);
      expect(target.of('ping').map((p) => p.node)).toEqual(['t']);
    } finally {
      await target.shutdown();
    }
  });
});
