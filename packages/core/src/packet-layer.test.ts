import { encodeAlive, encodeCompound, encodeSuspect, ipToBytes, stripLabel, unwrapPacket } from '@gossip/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
import { TestCluster } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';
import { fakeCipher } from '../test/fake-cipher.js';

let cluster: TestCluster | undefined;
let peer: RawPeer | undefined;
afterEach(async () => {
  await peer?.shutdown();
  await cluster?.shutdown();
  cluster = undefined;
  peer = undefined;
});

const RAW = '10.0.0.90:7946';
const alive = (node: string, ip: string, vsn = Uint8Array.of(1, 5, 2, 0, 0, 0)): Uint8Array =>
  encodeAlive({ node, incarnation: 1, addr: ipToBytes(ip), port: 7946, meta: null, vsn });

/** Sends `to` the alives of `count` members with long names, `perCompound` to a compound datagram. */
async function sendManyMembers(to: string, count: number, perCompound: number): Promise<void> {
  const many = Array.from({ length: count }, (_, i) => alive(`member-with-a-long-name-${i}`, '10.0.0.90'));
  for (let i = 0; i < many.length; i += perCompound) {
    for (const p of encodeCompound(many.slice(i, i + perCompound), 127)) await peer!.send(to, p);
  }
}

describe('sending packets', () => {
  it('given a peer speaking protocol 5, when gossip is sent to it, then packets carry a CRC; pings do not', async () => {
    cluster = new TestCluster('crc');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await peer.send(a.address, alive('other', '10.0.0.91'));
    await cluster.advance(2_000);
    const gossip = peer.received.filter((r) => r.msg.type === 'alive');
    const pings = peer.received.filter((r) => r.msg.type === 'ping');
    expect(gossip.length).toBeGreaterThan(0);
    expect(gossip.every((r) => r.crc)).toBe(true);
    expect(pings.length).toBeGreaterThan(0);
    expect(pings.every((r) => !r.crc)).toBe(true);
  });

  it('given a peer speaking protocol 4, when gossip is sent to it, then there is no CRC', async () => {
    cluster = new TestCluster('no-crc');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90', Uint8Array.of(1, 4, 2, 0, 0, 0)));
    await peer.send(a.address, alive('other', '10.0.0.91'));
    await cluster.advance(2_000);
    expect(peer.received.filter((r) => r.msg.type === 'alive').every((r) => !r.crc)).toBe(true);
  });

  it('given many queued broadcasts, when gossiped, then every datagram stays within udpBufferSize plus CRC', async () => {
    cluster = new TestCluster('budget');
    const a = await cluster.add('a', { enableCompression: false, gossipNodes: 1 });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await sendManyMembers(a.address, 120, 60);
    await cluster.advance(3_000);
    expect(a.node.numMembers()).toBe(122);
    expect(peer.packets.length).toBeGreaterThan(5);
    for (const p of peer.packets) expect(p.length).toBeLessThanOrEqual(1400 + 5);
  });

  it('given a label and encryption, when many broadcasts are gossiped, then label and encryption overhead come out of the budget (every datagram within udpBufferSize plus CRC)', async () => {
    cluster = new TestCluster('budget-label-cipher');
    const label = 'a-twenty-byte-label!';
    const a = await cluster.add('a', {
      enableCompression: false,
      gossipNodes: 1,
      label,
      skipInboundLabelCheck: true,
      cipher: fakeCipher(7),
      gossipVerifyIncoming: false,
    });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    const many = [];
    for (let i = 0; i < 120; i++) many.push(alive(`member-with-a-long-name-${i}`, '10.0.0.90'));
    for (const p of encodeCompound(many, 127)) await peer.send(a.address, p);
    await cluster.advance(3_000);
    expect(a.node.numMembers()).toBe(122);
    const gossip = peer.packets.filter((p) => p.length > 1000);
    expect(gossip.length).toBeGreaterThan(2);
    for (const p of peer.packets) expect(p.length).toBeLessThanOrEqual(1400 + 5);
  });

  it('given compression on, when a packet would not shrink, then it is sent uncompressed; a large one is compressed', async () => {
    cluster = new TestCluster('compress');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90', Uint8Array.of(1, 4, 2, 0, 0, 0)));
    await cluster.advance(10_000);
    peer.packets.length = 0;
    // Once the broadcasts are drained, probes are lone pings: too small to shrink, sent as they are.
    await cluster.advance(3_000);
    expect(peer.packets.length).toBeGreaterThan(0);
    expect(peer.packets.every((p) => p[0] === 0)).toBe(true);
    peer.packets.length = 0;
    for (let i = 0; i < 20; i++) await peer.send(a.address, alive(`node-${i}`, '10.0.0.90'));
    await cluster.advance(1_000);
    expect(peer.packets.some((p) => p[0] === 9)).toBe(true);
  });

  it('given a label, when packets are sent, then each starts with the label header', async () => {
    cluster = new TestCluster('label-out');
    const a = await cluster.add('a', { label: 'blue', skipInboundLabelCheck: true });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await cluster.advance(2_000);
    expect(peer.packets.length).toBeGreaterThan(0);
    for (const p of peer.packets) expect(stripLabel(p).label).toBe('blue');
  });

  it('given protocolVersion 1 and a cipher, when packets are sent, then they use encryption version 0', async () => {
    cluster = new TestCluster('enc-v0');
    const { fakeCipher } = await import('../test/fake-cipher.js');
    const a = await cluster.add('a', { cipher: fakeCipher(5), protocolVersion: 1, gossipVerifyIncoming: false });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await cluster.advance(2_000);
    expect(peer.packets.length).toBeGreaterThan(0);
    for (const p of peer.packets) {
      expect(p[0]).toBe(0);
      expect((p.length - 29) % 16).toBe(0);
    }
  });
});

describe('packing packets when compression is on', () => {
  it('given many queued broadcasts and compression on, when gossiped, then datagrams carry more messages than fit uncompressed and each stays within udpBufferSize plus CRC', async () => {
    cluster = new TestCluster('packing');
    const a = await cluster.add('a', { enableCompression: true, gossipNodes: 1 });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await sendManyMembers(a.address, 400, 50);
    await cluster.advance(5_000);

    expect(a.node.numMembers()).toBe(402);
    for (const p of peer.packets) expect(p.length).toBeLessThanOrEqual(1400 + 5);
    // Every datagram the peer got, unwrapped: the uncompressed bytes of its messages.
    const payloads = peer.packets.map((p) => unwrapPacket(p).messages.reduce((sum, m) => sum + m.length + 2, 0));
    expect(Math.max(...payloads)).toBeGreaterThan(1400);
  });
});

describe('retransmitted copies of an alive', () => {
  it('given an alive already applied, when the same bytes arrive again, then the copy is dropped before decoding and counted; a newer incarnation is applied', async () => {
    cluster = new TestCluster('duplicate-alive');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, RAW);
    const x = (incarnation: number): Uint8Array =>
      encodeAlive({ node: 'x', incarnation, addr: ipToBytes('10.0.0.90'), port: 7946, meta: null, vsn: Uint8Array.of(1, 5, 2, 0, 0, 0) });

    await peer.send(a.address, x(1));
    await peer.send(a.address, x(1));
    await peer.send(a.address, encodeCompound([x(1), x(1)], 127)[0]!);
    await cluster.advance(10);
    expect(a.metrics.counter(MetricNames.msgAlive)).toBe(2); // a itself, then x
    expect(a.metrics.counter(MetricNames.msgAliveDuplicate)).toBe(3);

    await peer.send(a.address, x(2));
    await cluster.advance(10);
    expect(a.metrics.counter(MetricNames.msgAlive)).toBe(3);
    expect(a.node.member('x')?.incarnation).toBe(2);
  });

  it('given an alive delegate, when the same alive arrives twice, then the delegate sees both copies (as in memberlist)', async () => {
    cluster = new TestCluster('duplicate-alive-delegate');
    const seen: string[] = [];
    const a = await cluster.add('a', { enableCompression: false, alive: { notifyAlive: (m) => void seen.push(m.name) } });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('x', '10.0.0.90'));
    await peer.send(a.address, alive('x', '10.0.0.90'));
    await cluster.advance(10);
    expect(seen.filter((n) => n === 'x')).toHaveLength(2);
    expect(a.metrics.counter(MetricNames.msgAliveDuplicate)).toBe(0);
  });
});

describe('receiving packets', () => {
  it('given a suspect node, when probed, then the probe carries the suspicion so it can refute (buddy system)', async () => {
    cluster = new TestCluster('buddy');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await peer.send(a.address, encodeSuspect({ node: 'raw', incarnation: 1, from: 'someone' }));
    await cluster.advance(2_000);
    const suspects = peer.of('suspect').filter((s) => s.node === 'raw' && s.from === 'a');
    expect(suspects.length).toBeGreaterThan(0);
  });

  it('given the buddy system off, when a suspect node is probed, then the probe is a plain ping (plain SWIM, for measurements)', async () => {
    cluster = new TestCluster('no-buddy');
    const a = await cluster.add('a', { enableCompression: false, buddySystem: false });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await peer.send(a.address, encodeSuspect({ node: 'raw', incarnation: 1, from: 'someone' }));
    await cluster.until(() => peer!.of('ping').length > 0, 5_000, 'first probe of the suspect');
    // Until that probe fails, nothing from `a` itself accuses the suspect: the probe did not carry an accusation.
    expect(peer.of('suspect').filter((s) => s.node === 'raw' && s.from === 'a')).toEqual([]);
  });

  it('given encryption with incoming verification, when a plaintext packet arrives, then it is dropped and counted', async () => {
    cluster = new TestCluster('enc-in');
    const { fakeCipher } = await import('../test/fake-cipher.js');
    const a = await cluster.add('a', { cipher: fakeCipher(5) });
    peer = await RawPeer.start(cluster.network, RAW);
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await cluster.advance(1);
    expect(a.node.member('raw')).toBeUndefined();
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_ENCRYPTION' })).toBe(1);
    a.node.setGossipVerify({ incoming: false });
    await peer.send(a.address, alive('raw', '10.0.0.90'));
    await cluster.advance(1);
    expect(a.node.member('raw')?.state).toBe('alive');
  });

  it('given a packet with a compound whose last part is truncated, when received, then the complete parts are applied', async () => {
    cluster = new TestCluster('truncated');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, RAW);
    const c = encodeCompound([alive('x', '10.0.0.91'), alive('y', '10.0.0.92')], 127)[0]!;
    await peer.send(a.address, c.subarray(0, c.length - 5));
    await cluster.advance(1);
    expect(a.node.member('x')?.state).toBe('alive');
    expect(a.node.member('y')).toBeUndefined();
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_TRUNCATED' })).toBe(1);
  });
});
