import { encodeAlive, encodeCompound, encodeIndirectPing, encodeNack, encodePing, encodeSuspect, ipToBytes, wrapCrc } from '@gossip/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';

let cluster: TestCluster | undefined;
let peer: RawPeer | undefined;
afterEach(async () => {
  await peer?.shutdown();
  await cluster?.shutdown();
  cluster = undefined;
  peer = undefined;
});

const RAW = '10.0.0.200:7946';

describe('answering probes', () => {
  it('given a ping addressed to the node with Source fields, when received, then it acks the advertised source with the ack payload', async () => {
    cluster = new TestCluster('ping-ack');
    const a = await cluster.add('a', { ping: { ackPayload: () => Uint8Array.of(9, 9) } });
    peer = await RawPeer.start(cluster.network, RAW);
    const other = await RawPeer.start(cluster.network, '10.0.0.201:7946');
    await peer.send(a.address, encodePing({ seqNo: 42, node: 'a', sourceAddr: ipToBytes('10.0.0.201'), sourcePort: 7946, sourceNode: 'x' }));
    await cluster.advance(1);
    expect(other.of('ack')).toEqual([{ seqNo: 42, payload: Uint8Array.of(9, 9) }]);
    expect(peer.of('ack')).toEqual([]);
    await other.shutdown();
  });

  it('given a ping without Source fields, when received, then the ack goes to the datagram source', async () => {
    cluster = new TestCluster('ping-nosource');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, wrapCrc(encodePing({ seqNo: 7, node: '' })));
    await cluster.advance(1);
    expect(peer.of('ack').map((x) => x.seqNo)).toEqual([7]);
  });

  it('given a ping addressed to another node name, when received, then it is ignored', async () => {
    cluster = new TestCluster('ping-wrong');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, encodePing({ seqNo: 1, node: 'someone-else' }));
    await cluster.advance(1);
    expect(peer.of('ack')).toEqual([]);
  });

  it('given an indirect ping request for a live target, when relayed, then the requester gets an ack with its own seq', async () => {
    cluster = new TestCluster('indirect-ack');
    const relay = await cluster.add('relay');
    const target = await cluster.add('target');
    peer = await RawPeer.start(cluster.network, RAW);
    const req = encodeIndirectPing({ seqNo: 555, target: ipToBytes('10.0.0.2'), port: 7946, node: 'target', nack: true });
    await peer.send(relay.address, encodeCompound([req], 127)[0]!);
    await cluster.advance(600);
    expect(peer.of('ack').map((x) => [x.seqNo, x.payload])).toEqual([[555, null]]);
    expect(peer.of('nack')).toEqual([]);
    void target;
  });

  it('given an indirect ping request for a dead target with Nack set, when the probe timeout passes, then the requester gets a nack', async () => {
    cluster = new TestCluster('indirect-nack');
    const relay = await cluster.add('relay');
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(relay.address, encodeIndirectPing({ seqNo: 9, target: ipToBytes('10.0.0.99'), port: 7946, node: 'gone', nack: true }));
    await cluster.advance(499);
    expect(peer.of('nack')).toEqual([]);
    await cluster.advance(2);
    expect(peer.of('nack')).toEqual([{ seqNo: 9 }]);
    expect(peer.of('ack')).toEqual([]);
  });
});

describe('probing', () => {
  it('given a member that only answers over TCP, when probed, then the fallback ping keeps it alive', async () => {
    cluster = new TestCluster('tcp-fallback');
    const nodes = await cluster.start(3);
    await cluster.until(() => cluster!.converged(nodes, ['node-0', 'node-1', 'node-2']), 5_000, 'convergence');
    // A firewall drops every datagram to and from node-2; streams still get through.
    cluster.network.setNodeFaults(nodes[2]!.address, { lossRate: 1, streamLossRate: 0 });
    await cluster.advance(60_000);
    expect(cluster.stateOf(nodes[0]!, 'node-2')).toBe('alive');
    expect(cluster.stateOf(nodes[1]!, 'node-2')).toBe('alive');
  });

  it('given TCP pings disabled, when a member loses UDP, then it is suspected and declared dead', async () => {
    cluster = new TestCluster('no-tcp-fallback');
    const nodes = await cluster.start(3, { disableTcpPings: true });
    await cluster.until(() => cluster!.converged(nodes, ['node-0', 'node-1', 'node-2']), 5_000, 'convergence');
    cluster.network.setNodeFaults(nodes[2]!.address, { lossRate: 1, streamLossRate: 0 });
    await cluster.until(() => cluster!.stateOf(nodes[0]!, 'node-2') === 'dead', 60_000, 'death');
  });

  it('given a ping delegate, when probes succeed, then it gets RTTs and payloads', async () => {
    cluster = new TestCluster('ping-delegate');
    const rtts: [string, number, number][] = [];
    cluster.network.setDefaults({ latencyMs: 5 });
    const a = await cluster.add('a', { ping: { notifyPingComplete: (m, rtt, p) => rtts.push([m.name, rtt, p.length]) } });
    const b = await cluster.add('b', { ping: { ackPayload: () => Uint8Array.of(1, 2, 3) } });
    await cluster.run(b.node.join([a.address]));
    await cluster.advance(3_000);
    expect(rtts.length).toBeGreaterThan(0);
    expect(rtts[0]).toEqual(['b', 10, 3]);
    expect(await cluster.run(a.node.ping('b'))).toBe(10);
  });

  it('given a crashed member, when pinged directly, then ping rejects with ERR_TIMEOUT', async () => {
    cluster = new TestCluster('ping-timeout');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    cluster.network.crash(b.address, 'blackhole');
    await expect(cluster.run(a.node.ping('b'))).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
  });
});

describe('awareness accounting of failed probes (Lifeguard nacks)', () => {
  /** Node `a` with raw relays r1, r2 (protocol max `relayPmax`) and a silent target t; a's health when it suspects t. */
  async function healthWhenSuspected(seed: string, relayPmax: number, relaysNack: boolean): Promise<number> {
    cluster = new TestCluster(seed);
    const a = await cluster.add('a', { disableTcpPings: true, pushPullIntervalMs: 0 });
    const raws: RawPeer[] = [];
    for (const [name, ip, pmax] of [['r1', '10.0.0.101', relayPmax], ['r2', '10.0.0.102', relayPmax], ['t', '10.0.0.103', 5]] as const) {
      const raw = await RawPeer.start(cluster.network, `${ip}:7946`);
      raws.push(raw);
      if (name === 't') raw.autoAck = false;
      else if (relaysNack) {
        // A healthy relay whose ping of t went unanswered reports it with a nack.
        raw.onMessage = (msg) => {
          if (msg.type === 'indirect') void raw.send(a.address, encodeNack({ seqNo: msg.body.seqNo }));
        };
      }
      await raw.send(a.address, encodeAlive({ node: name, incarnation: 1, addr: ipToBytes(ip), port: 7946, meta: null, vsn: Uint8Array.of(1, pmax, 2, 0, 0, 0) }));
    }
    let health = -1;
    a.node.on('suspect', (e) => {
      if (e.member.name === 't' && health < 0) health = a.node.healthScore();
    });
    try {
      await cluster.until(() => health >= 0, 30_000, 'suspicion of t');
    } finally {
      for (const raw of raws) await raw.shutdown();
    }
    return health;
  }

  it('given relays that understand nacks (pmax >= 4) but send none, when a probe fails, then our health worsens by one per missing nack', async () => {
    expect(await healthWhenSuspected('aware-missing-nacks', 5, false)).toBe(2);
  });

  it('given relays that answer with nacks, when a probe fails, then our health does not worsen (the target is the problem, not us)', async () => {
    expect(await healthWhenSuspected('aware-nacks', 5, true)).toBe(0);
  });

  it('given relays too old to nack (pmax 3), when a probe fails, then our health worsens by one', async () => {
    expect(await healthWhenSuspected('aware-no-nack-relays', 3, false)).toBe(1);
  });
});

describe('probe timing under a degraded health score', () => {
  it('given a health score of 3, when a probe goes unanswered, then indirect/TCP probing starts after the unscaled probe timeout and the verdict waits for the 4× probe interval', async () => {
    cluster = new TestCluster('probe-timing-scaled');
    const a = await cluster.add('a', { pushPullIntervalMs: 0, gossipIntervalMs: 0 });
    peer = await RawPeer.start(cluster.network, '10.0.0.103:7946');
    peer.autoAck = false;
    let pingAt = -1;
    peer.onMessage = (msg) => {
      if (msg.type === 'ping' && pingAt < 0) pingAt = cluster!.clock.now();
    };
    // Three accusations about us: each refutation costs one health point.
    for (let inc = 1; inc <= 3; inc++) await peer.send(a.address, encodeSuspect({ node: 'a', incarnation: inc + 1, from: 't' }));
    await peer.send(a.address, encodeAlive({ node: 't', incarnation: 1, addr: ipToBytes('10.0.0.103'), port: 7946, meta: null, vsn: Uint8Array.of(1, 5, 2, 0, 0, 0) }));
    await cluster.advance(1);
    expect(a.node.healthScore()).toBe(3);
    let suspectAt = -1;
    a.node.on('suspect', (e) => {
      if (e.member.name === 't') suspectAt = cluster!.clock.now();
    });
    await cluster.until(() => peer!.streams.length > 0, 5_000, 'TCP fallback ping');
    const tcpAt = cluster.clock.now();
    await cluster.until(() => suspectAt >= 0, 10_000, 'suspicion');
    expect(tcpAt - pingAt).toBeGreaterThanOrEqual(500);
    expect(tcpAt - pingAt).toBeLessThan(520);
    expect(suspectAt - pingAt).toBeGreaterThanOrEqual(4_000);
    expect(suspectAt - pingAt).toBeLessThan(4_020);
  });
});
