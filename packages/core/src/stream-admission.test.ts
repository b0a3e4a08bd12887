import type { Stream } from '@gossip/transport';
import { decodePushPull, encodeAck, encodePing, encodePushPull, encodeUserStream, ipToBytes } from '@gossip/wire';
import { describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
import { TestCluster, type TestNode, shutDownAfterEach } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';

const started = shutDownAfterEach();
let cluster: TestCluster;

/** A fresh cluster (kept for shutdown) with node `a` configured by `overrides`. */
async function startA(seed: string, overrides: Parameters<TestCluster['add']>[1]): Promise<TestNode> {
  cluster = new TestCluster(seed);
  started.cluster = cluster;
  return cluster.add('a', { enableCompression: false, ...overrides });
}

const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0);

async function rawPeer(address: string): Promise<RawPeer> {
  const p = await RawPeer.start(cluster.network, address);
  started.peers.push(p);
  return p;
}

/** Reads until the node closes the stream; resolves with what it sent, or 'reset'. */
async function readAll(stream: Stream): Promise<Uint8Array | 'reset'> {
  const parts: number[] = [];
  for (;;) {
    let chunk: Uint8Array | null;
    try {
      chunk = await stream.read();
    } catch {
      return 'reset';
    }
    if (chunk === null) return Uint8Array.from(parts);
    parts.push(...chunk);
  }
}

const pushPull = (name: string, userState = 0): Uint8Array =>
  encodePushPull({
    join: false,
    states: [{ name, addr: ipToBytes('10.0.0.60'), port: 7946, meta: null, incarnation: 1, state: 0, vsn: VSN }],
    userState: new Uint8Array(userState),
  });

/** Opens a stream from `from` to `to` and writes `bytes` (kept open). */
async function openWith(from: RawPeer, to: string, bytes: Uint8Array): Promise<Stream> {
  const s = await cluster.run(from.endpoint.dial(to));
  if (bytes.length > 0) await cluster.run(s.write(bytes));
  return s;
}

/**
 * Node `a` with one push/pull slot, held by a push/pull from 10.0.0.60 whose header is in and whose body is not
 * (`rest` completes it); `p2` (10.0.0.61) is a second peer.
 */
async function holdTheOnlySlot(seed: string, pushPullSlotWaitMs: number) {
  const a = await startA(seed, { maxConcurrentPushPulls: 1, pushPullSlotWaitMs });
  const p1 = await rawPeer('10.0.0.60:7946');
  const p2 = await rawPeer('10.0.0.61:7946');
  const slow = pushPull('slow', 2_000);
  const first = await openWith(p1, a.address, slow.subarray(0, slow.length - 1_000));
  await cluster.advance(10);
  return { a, p2, first, rest: slow.subarray(slow.length - 1_000) };
}

describe('inbound stream admission', () => {
  it('given connections trickling push/pull headers, when a legitimate push/pull arrives, then it is served and the tricklers hold no slot and are closed at the header deadline', async () => {
    const a = await startA('trickle', { maxConcurrentPushPulls: 2, streamHeaderTimeoutMs: 500 });
    const attacker = await rawPeer('10.0.0.70:7946');
    const honest = await rawPeer('10.0.0.60:7946');
    const partialHeader = pushPull('x').subarray(0, 6);
    const tricklers = [];
    for (let i = 0; i < 5; i++) tricklers.push(await openWith(attacker, a.address, partialHeader));
    const outcomes = tricklers.map((s) => readAll(s));

    const s = await openWith(honest, a.address, pushPull('honest'));
    const reply = await cluster.run(readAll(s));
    expect(reply).not.toBe('reset');
    expect(decodePushPull(reply as Uint8Array).states.map((n) => n.name)).toContain('a');
    expect(a.node.member('honest')?.state).toBe('alive');

    await cluster.advance(600);
    for (const o of outcomes) expect(await cluster.run(o, 100)).not.toBeUndefined();
    expect(a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_TIMEOUT' })).toBe(5);
  });

  it('given every push/pull slot taken, when a complete push/pull arrives, then it waits for a slot and is served once one frees', async () => {
    const { a, p2, first, rest } = await holdTheOnlySlot('slot-wait', 1_000);
    const second = await openWith(p2, a.address, pushPull('queued'));
    const secondReply = readAll(second);
    await cluster.advance(300);
    expect(a.node.member('queued')).toBeUndefined(); // still waiting
    await cluster.run(first.write(rest));
    expect(await cluster.run(readAll(first))).not.toBe('reset');
    expect(await cluster.run(secondReply)).not.toBe('reset');
    expect(a.node.member('queued')?.state).toBe('alive');
    expect(a.metrics.counter(MetricNames.streamRefused, { limit: 'push_pull_slots' })).toBe(0);
  });

  it('given every push/pull slot held past pushPullSlotWaitMs, when a push/pull waits, then it is refused and counted', async () => {
    const { a, p2 } = await holdTheOnlySlot('slot-refused', 200);
    const refused = readAll(await openWith(p2, a.address, pushPull('late')));
    await cluster.advance(250);
    expect(await cluster.run(refused, 100)).toEqual(new Uint8Array(0));
    expect(a.metrics.counter(MetricNames.streamRefused, { limit: 'push_pull_slots' })).toBe(1);
    expect(a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_OVERLOADED' })).toBe(1);
  });

  it('given maxInboundStreamsPerSource, when one source opens more, then the excess is refused at accept and other sources are served', async () => {
    const a = await startA('per-source', { maxInboundStreamsPerSource: 3 });
    const attacker = await rawPeer('10.0.0.70:7946');
    const honest = await rawPeer('10.0.0.60:7946');
    const idle = [];
    for (let i = 0; i < 5; i++) idle.push(await openWith(attacker, a.address, new Uint8Array(0)));
    await cluster.advance(10);
    expect(a.metrics.counter(MetricNames.streamRefused, { limit: 'per_source' })).toBe(2);
    const ping = await openWith(honest, a.address, encodePing({ seqNo: 3, node: 'a' }));
    expect(await cluster.run(readAll(ping))).toEqual(encodeAck({ seqNo: 3, payload: null }));
  });

  it('given maxInboundStreamBytes, when streams together buffer more, then the stream passing it is dropped, later ones are refused until bytes free, and others are served after', async () => {
    const a = await startA('buffered', { maxInboundStreamBytes: 10_000 });
    const attacker = await rawPeer('10.0.0.70:7946');
    const honest = await rawPeer('10.0.0.60:7946');
    const big = encodeUserStream(new Uint8Array(20_000));
    const s1 = await openWith(attacker, a.address, big.subarray(0, 8_000));
    await cluster.advance(10);
    const s2 = await openWith(attacker, a.address, big.subarray(0, 8_000));
    await cluster.advance(10);
    expect(a.metrics.counter(MetricNames.streamRefused, { limit: 'buffered_bytes' })).toBe(1);
    expect(await cluster.run(readAll(s2), 100)).not.toBeUndefined(); // closed
    // 8,000 bytes are still held by s1: a new stream is admitted (below the cap) and served.
    const ping = await openWith(honest, a.address, encodePing({ seqNo: 4, node: 'a' }));
    expect(await cluster.run(readAll(ping))).toEqual(encodeAck({ seqNo: 4, payload: null }));
    s1.destroy();
  });
});
