import { describe, expect, it } from 'vitest';
import { TransportError } from '../transport.js';
import type { NetworkEvent } from './memory-stats.js';
import { makeNetwork, probe, seqOf, seqPacket } from './test-helpers.js';

const A = '10.0.0.1:7946';
const B = '10.0.0.2:7946';
const C = '10.0.0.3:7946';
const N = 10_000;

describe('MemoryNetwork packets', () => {
  it('given two endpoints on a perfect network, when each sends to the other, then both receive the bytes with sender and time', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 2 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    await a.endpoint.sendPacket(B, new Uint8Array([1, 2, 3]));
    await b.endpoint.sendPacket(A, new Uint8Array([4]));
    await clock.advance(5);
    expect(b.packets.map((p) => [Array.from(p.data), p.from, p.receivedAt])).toEqual([[[1, 2, 3], A, 2]]);
    expect(a.packets.map((p) => [Array.from(p.data), p.from, p.receivedAt])).toEqual([[[4], B, 2]]);
    expect(a.endpoint.advertiseAddress()).toEqual({ ip: '10.0.0.1', port: 7946 });
  });

  it('given a sender that reuses its buffer, when it overwrites it after sending, then the receiver sees the original bytes', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    const buf = new Uint8Array([9, 9]);
    await a.endpoint.sendPacket(B, buf);
    buf.fill(0);
    await clock.advance(1);
    expect(Array.from(b.packets[0]!.data)).toEqual([9, 9]);
  });

  it(`given 5% loss, when ${N} packets are sent, then about 5% are dropped and counted as loss`, async () => {
    const { clock, network } = makeNetwork('loss', { lossRate: 0.05 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    for (let i = 0; i < N; i++) await a.endpoint.sendPacket(B, seqPacket(i));
    await clock.advance(10);
    const lost = N - b.packets.length;
    // Binomial(10000, 0.05): sd ≈ 21.8; ±5 sd.
    expect(lost).toBeGreaterThan(500 - 110);
    expect(lost).toBeLessThan(500 + 110);
    expect(network.stats().packetsDropped.loss).toBe(lost);
    expect(network.stats().packetsDelivered).toBe(b.packets.length);
  });

  it(`given 10% duplication, when ${N} packets are sent, then about 10% arrive twice and none three times`, async () => {
    const { clock, network } = makeNetwork('dup', { duplicateRate: 0.1, latencyMs: 1, jitterMs: 3 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    for (let i = 0; i < N; i++) await a.endpoint.sendPacket(B, seqPacket(i));
    await clock.advance(10);
    const seen = new Map<number, number>();
    for (const p of b.packets) seen.set(seqOf(p), (seen.get(seqOf(p)) ?? 0) + 1);
    const twice = [...seen.values()].filter((n) => n === 2).length;
    expect(seen.size).toBe(N);
    expect(Math.max(...seen.values())).toBe(2);
    expect(twice).toBeGreaterThan(1000 - 150); // sd ≈ 30
    expect(twice).toBeLessThan(1000 + 150);
    expect(network.stats().packetsDuplicated).toBe(twice);
  });

  it(`given 20% reordering and no jitter, when ${N} packets are sent 1 ms apart, then about 20% arrive after a later packet`, async () => {
    const { clock, network } = makeNetwork('reorder', { reorderRate: 0.2, latencyMs: 5, reorderDelayMs: 3 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    for (let i = 0; i < N; i++) {
      await a.endpoint.sendPacket(B, seqPacket(i));
      await clock.advance(1);
    }
    await clock.advance(20);
    const order = b.packets.map(seqOf);
    expect(order.length).toBe(N);
    let maxSoFar = -1;
    let overtaken = 0;
    for (const s of order) {
      if (s < maxSoFar) overtaken++;
      maxSoFar = Math.max(maxSoFar, s);
    }
    // A held-back packet is overtaken unless the next packets are held back too; close to the 20% rate.
    expect(overtaken).toBeGreaterThan(1400);
    expect(overtaken).toBeLessThan(2400);
    expect(network.stats().packetsReordered).toBeGreaterThan(2000 - 200);
    expect(network.stats().packetsReordered).toBeLessThan(2000 + 200);
  });

  it(`given 10 ms latency and 5 ms jitter, when ${N} packets are sent, then every delay lies in [10, 15) and they spread across it`, async () => {
    const { clock, network } = makeNetwork('latency', { latencyMs: 10, jitterMs: 5 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    for (let i = 0; i < N; i++) await a.endpoint.sendPacket(B, seqPacket(i));
    await clock.advance(20);
    const delays = b.packets.map((p) => p.receivedAt);
    expect(delays.length).toBe(N);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeLessThan(15);
    const mean = delays.reduce((s, d) => s + d, 0) / N;
    expect(mean).toBeGreaterThan(12.4);
    expect(mean).toBeLessThan(12.6);
  });

  it('given per-link and per-node faults, when packets cross different links, then link beats receiver beats sender beats defaults', async () => {
    const { clock, network } = makeNetwork(3, { latencyMs: 1 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const c = await probe(network, C);
    network.setNodeFaults(A, { latencyMs: 7 });
    network.setNodeFaults(C, { latencyMs: 9 });
    network.setLink(A, B, { latencyMs: 3 });
    await a.endpoint.sendPacket(B, seqPacket(1)); // link: 3
    await a.endpoint.sendPacket(C, seqPacket(2)); // receiver C: 9
    await b.endpoint.sendPacket(A, seqPacket(3)); // receiver A: 7
    await c.endpoint.sendPacket(B, seqPacket(4)); // sender C: 9
    await b.endpoint.sendPacket(C, seqPacket(5)); // receiver C: 9
    network.setNodeFaults(A, undefined);
    await b.endpoint.sendPacket(A, seqPacket(6)); // defaults: 1
    await clock.advance(20);
    const at = (p: { packets: { data: Uint8Array; receivedAt: number }[] }) =>
      p.packets.map((x) => [x.data[3], x.receivedAt]);
    expect(at(b)).toEqual([
      [1, 3],
      [4, 9],
    ]);
    expect(at(a)).toEqual([
      [6, 1],
      [3, 7],
    ]);
    expect(at(c)).toEqual([
      [2, 9],
      [5, 9],
    ]);
  });

  it('given a partition of A from everyone, when packets flow, then they are dropped both ways until healed', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    const c = await probe(network, C);
    const cut = network.partition([A]);
    expect(network.isPartitioned(A, B)).toBe(true);
    expect(network.isPartitioned(B, C)).toBe(false);
    await a.endpoint.sendPacket(B, seqPacket(1));
    await b.endpoint.sendPacket(A, seqPacket(2));
    await b.endpoint.sendPacket(C, seqPacket(3));
    await clock.advance(1);
    expect(a.packets).toHaveLength(0);
    expect(b.packets).toHaveLength(0);
    expect(c.packets).toHaveLength(1);
    expect(network.stats().packetsDropped.partition).toBe(2);
    cut.heal();
    await a.endpoint.sendPacket(B, seqPacket(4));
    await clock.advance(1);
    expect(b.packets.map(seqOf)).toEqual([4]);
  });

  it('given a partition between two groups, when heal() is called, then only cross-group traffic was cut and all flows again', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    const c = await probe(network, C);
    network.partition([A, B], [C]);
    await a.endpoint.sendPacket(B, seqPacket(1));
    await a.endpoint.sendPacket(C, seqPacket(2));
    await c.endpoint.sendPacket(B, seqPacket(3));
    await clock.advance(1);
    expect(b.packets.map(seqOf)).toEqual([1]);
    expect(c.packets).toHaveLength(0);
    network.heal();
    await a.endpoint.sendPacket(C, seqPacket(4));
    await clock.advance(1);
    expect(c.packets.map(seqOf)).toEqual([4]);
  });

  it('given a slow node, when packets are sent to it and from it, then only inbound ones are delayed within its bounds', async () => {
    const { clock, network } = makeNetwork('slow', { latencyMs: 1 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    network.setSlow(B, { minDelayMs: 100, maxDelayMs: 300 });
    for (let i = 0; i < 1000; i++) {
      await a.endpoint.sendPacket(B, seqPacket(i));
      await b.endpoint.sendPacket(A, seqPacket(i));
    }
    await clock.advance(400);
    const toB = b.packets.map((p) => p.receivedAt);
    expect(Math.min(...toB)).toBeGreaterThanOrEqual(101);
    expect(Math.max(...toB)).toBeLessThan(301);
    expect(Math.max(...toB) - Math.min(...toB)).toBeGreaterThan(150);
    expect(a.packets.every((p) => p.receivedAt === 1)).toBe(true);
  });

  it('given a crashed node, when packets are sent to and from it, then all are dropped as crashed until it is restored', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    network.crash(B);
    await a.endpoint.sendPacket(B, seqPacket(1));
    await b.endpoint.sendPacket(A, seqPacket(2));
    await clock.advance(1);
    expect([a.packets.length, b.packets.length]).toEqual([0, 0]);
    expect(network.stats().packetsDropped.crashed).toBe(2);
    network.restore(B);
    await a.endpoint.sendPacket(B, seqPacket(3));
    await clock.advance(1);
    expect(b.packets.map(seqOf)).toEqual([3]);
  });

  it('given packets in flight, when the receiver crashes before they land, then they are dropped', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 10 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    await a.endpoint.sendPacket(B, seqPacket(1));
    await clock.advance(5);
    network.crash(B);
    await clock.advance(10);
    expect(b.packets).toHaveLength(0);
    expect(network.stats().packetsDropped.crashed).toBe(1);
    void a;
  });

  it('given bad input, when sending, then typed errors come back and nothing is delivered', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    await expect(a.endpoint.sendPacket(B, new Uint8Array(65536))).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
    await expect(a.endpoint.sendPacket('nonsense', new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_BAD_ADDRESS' });
    await expect(a.endpoint.sendPacket('::1:80', new Uint8Array(1))).rejects.toBeInstanceOf(TransportError);
    await a.endpoint.sendPacket('10.9.9.9:1', new Uint8Array(1)); // nobody there: silently lost, like UDP
    await clock.advance(1);
    expect(b.packets).toHaveLength(0);
    expect(network.stats().packetsTooLarge).toBe(1);
    expect(network.stats().packetsDropped.unreachable).toBe(1);
    expect(() => network.endpoint(A)).toThrow(expect.objectContaining({ code: 'ERR_BIND' }));
    expect(() => network.endpoint('node-a:1')).toThrow(expect.objectContaining({ code: 'ERR_BAD_ADDRESS' }));
    expect(() => network.setDefaults({ lossRate: 2 })).toThrow(RangeError);
  });

  it('given host aliases, when resolving, then names map to their IPs and IP literals pass through canonicalised', async () => {
    const { network } = makeNetwork();
    const a = await probe(network, A);
    network.addHost('node-b', ['10.0.0.2', 'FD00::2']);
    expect(await a.endpoint.resolve('node-b:7946')).toEqual(['10.0.0.2:7946', '[fd00::2]:7946']);
    expect(await a.endpoint.resolve('[::ffff:10.0.0.9]:1')).toEqual(['10.0.0.9:1']);
    await expect(a.endpoint.resolve('unknown:1')).rejects.toMatchObject({ code: 'ERR_RESOLVE' });
  });

  it('given an endpoint that shut down, when its address is reused, then the new endpoint receives (a restart)', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b1 = await probe(network, B);
    await b1.endpoint.shutdown();
    await b1.endpoint.shutdown();
    await expect(b1.endpoint.sendPacket(A, seqPacket(0))).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    const b2 = await probe(network, B);
    await a.endpoint.sendPacket(B, seqPacket(7));
    await clock.advance(1);
    expect(b1.packets).toHaveLength(0);
    expect(b2.packets.map(seqOf)).toEqual([7]);
  });
});

describe('MemoryNetwork determinism', () => {
  const run = async (seed: string) => {
    const trace: string[] = [];
    const record = (e: NetworkEvent) =>
      trace.push(`${e.at.toFixed(6)} ${e.type} ${e.from}>${e.to} ${'reason' in e ? e.reason : ''}`);
    const { clock, network } = makeNetwork(
      seed,
      { lossRate: 0.1, latencyMs: 2, jitterMs: 8, duplicateRate: 0.05, reorderRate: 0.05 },
      { onEvent: record },
    );
    const nodes = await Promise.all(Array.from({ length: 20 }, (_, i) => probe(network, `10.0.1.${i + 1}:7946`)));
    network.setSlow(nodes[3]!.endpoint.address, { minDelayMs: 5, maxDelayMs: 50 });
    const random = network.random;
    for (let round = 0; round < 50; round++) {
      for (const n of nodes) {
        const peer = nodes[random.int(nodes.length)]!;
        await n.endpoint.sendPacket(peer.endpoint.address, seqPacket(round));
      }
      if (round % 10 === 5) {
        // Streams draw from the same generator (per-segment jitter), so they must replay identically too.
        const from = nodes[random.int(nodes.length)]!;
        const to = nodes[random.int(nodes.length)]!;
        void from.endpoint
          .dial(to.endpoint.address, { deadline: clock.now() + 200 })
          .then(async (s) => {
            await s.write(seqPacket(round));
            await s.close();
          })
          .catch((e: { code: string }) => trace.push(`dial failed ${e.code}`));
      }
      if (round === 20) network.partition(nodes.slice(0, 5).map((n) => n.endpoint.address));
      if (round === 30) network.heal();
      await clock.advance(random.next() * 10);
    }
    await clock.advance(100);
    return { trace, stats: network.stats() };
  };

  it('given one seed, when the same scenario runs twice, then the delivery traces are identical; another seed differs', async () => {
    const first = await run('trace');
    const second = await run('trace');
    expect(first.trace.length).toBeGreaterThan(900);
    expect(second.trace).toEqual(first.trace);
    expect(second.stats).toEqual(first.stats);
    expect(first.stats.streamsOpened).toBeGreaterThan(0);
    expect(first.stats.streamBytes).toBeGreaterThan(0);
    expect((await run('other')).trace).not.toEqual(first.trace);
  });
});
