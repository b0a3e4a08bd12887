import fc from 'fast-check';
import { encodeAlive, encodeCompound, encodeCompress, encodePing, encodePushPull, encodeSuspect, ipToBytes, wrapCrc } from '@gossip/wire';
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

const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0);
const valid = [
  encodeAlive({ node: 'z', incarnation: 3, addr: ipToBytes('10.0.0.77'), port: 7946, meta: Uint8Array.of(1), vsn: VSN }),
  encodeSuspect({ node: 'z', incarnation: 3, from: 'q' }),
  encodePing({ seqNo: 1, node: 'a', sourceAddr: ipToBytes('10.0.0.66'), sourcePort: 7946, sourceNode: 'raw' }),
];
const wrapped = [
  ...valid,
  encodeCompound(valid, 127)[0]!,
  encodeCompress(encodeCompound(valid, 127)[0]!),
  wrapCrc(encodeCompound(valid, 127)[0]!),
];

/** Random bytes, and valid packets truncated or with bytes overwritten. */
const hostilePacket = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 300 }),
  fc
    .tuple(fc.constantFrom(...wrapped), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
    .map(([p, cut, flips]) => {
      const out = p.slice(0, Math.max(1, p.length - (cut % p.length)));
      for (const [at, v] of flips) out[at % out.length] = v;
      return out;
    }),
);

/** Bytes of `n` zeros wrapped as user messages: the best LZW ratio there is (~1,000× at 1 MiB). */
const zeros = (n: number): Uint8Array => new Uint8Array(n).fill(8);

describe('compression bombs', () => {
  const bombs = {
    plain: encodeCompress(zeros(4 << 20)),
    nested: encodeCompress(encodeCompress(zeros(4 << 20))),
    'in a compound': encodeCompound([encodeCompress(zeros(2 << 20)), encodeCompress(zeros(2 << 20)), valid[1]!], 127)[0]!,
  };

  it('given bomb datagrams of every shape, when received, then each is dropped as ERR_TOO_LARGE and the node stays healthy', async () => {
    cluster = new TestCluster('bombs');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    for (const bomb of Object.values(bombs)) {
      expect(bomb.length).toBeLessThan(65_536);
      await peer.send(a.address, bomb);
    }
    await cluster.advance(5_000);
    // Plain and nested: one drop each; the compound: both bombs (the second fails at once, the budget spent).
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_TOO_LARGE' })).toBe(4);
    expect(a.node.member('z')?.state).toBeUndefined();
    expect(b.node.member('a')?.state).toBe('alive');
  });

  it('given a bomb inside an encrypted packet, when received by an encrypted node, then it is decrypted, then dropped as ERR_TOO_LARGE', async () => {
    cluster = new TestCluster('bomb-encrypted');
    const a = await cluster.add('a', { cipher: fakeCipher(7) });
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    await peer.send(a.address, fakeCipher(7).encrypt(bombs.plain, new Uint8Array(0), 1));
    await cluster.advance(1_000);
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_TOO_LARGE' })).toBe(1);
  });

  it('given maxDatagramDecompressedBytes, when a compressed datagram inflates past it, then it is dropped; below it, handled', async () => {
    cluster = new TestCluster('bomb-limit');
    const a = await cluster.add('a', { maxDatagramDecompressedBytes: 64 });
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    const big = encodeAlive({ node: 'z', incarnation: 3, addr: ipToBytes('10.0.0.77'), port: 7946, meta: zeros(100), vsn: VSN });
    await peer.send(a.address, encodeCompress(big));
    await peer.send(a.address, encodeCompress(valid[0]!));
    await cluster.advance(1_000);
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_TOO_LARGE' })).toBe(1);
    expect(a.node.member('z')?.state).toBe('alive');
  });
});

describe('messages per datagram', () => {
  it('given nested compounds unwrapping to more than maxDatagramMessages, when received, then only that many are handled and the rest counted', async () => {
    cluster = new TestCluster('many-messages');
    const a = await cluster.add('a', { maxDatagramMessages: 255 });
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    const alives = Array.from({ length: 600 }, (_, i) =>
      encodeAlive({ node: `m${i}`, incarnation: 1, addr: ipToBytes('10.0.0.77'), port: 7946, meta: null, vsn: VSN }),
    );
    const inner = [0, 1, 2].map((k) => encodeCompound(alives.slice(k * 200, k * 200 + 200), 255)[0]!);
    await peer.send(a.address, encodeCompress(encodeCompound(inner, 255)[0]!));
    await cluster.advance(1_000);
    expect(a.node.numMembers()).toBe(1 + 255);
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_TOO_LARGE' })).toBe(1);
  });
});

describe('probe requests per datagram', () => {
  it('given a datagram of 50 pings from a spoofable source, when received, then only maxDatagramProbes are answered and the rest counted', async () => {
    cluster = new TestCluster('many-pings');
    const a = await cluster.add('a', { maxDatagramProbes: 4, enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    const pings = Array.from({ length: 50 }, (_, i) => encodePing({ seqNo: 100 + i, node: 'a' }));
    await peer.send(a.address, encodeCompound(pings, 127)[0]!);
    await cluster.advance(1_000);
    const acks = peer.received.filter((r) => r.msg.type === 'ack').length;
    expect(acks).toBe(4);
    expect(a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_TOO_LARGE' })).toBe(46);
  });
});

describe('drop logging', () => {
  it('given a flood of bad datagrams, when received, then every drop is counted but the log gets the burst and one summary per interval', async () => {
    cluster = new TestCluster('log-flood');
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (_f: object, m: string) => warnings.push(m) };
    const a = await cluster.add('a', { logger, dropLogBurst: 3, dropLogIntervalMs: 1_000 });
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    for (let second = 0; second < 3; second++) {
      for (let i = 0; i < 200; i++) await peer.send(a.address, Uint8Array.of(1, 0xc1)); // a ping whose body is a reserved msgpack byte
      await cluster.advance(1_000);
    }
    const dropped = a.metrics.counter(MetricNames.packetDropped, { code: 'ERR_MALFORMED' });
    expect(dropped).toBe(600);
    const lines = warnings.filter((w) => w.includes('dropped packet'));
    expect(lines.length).toBeLessThanOrEqual(3 + 3);
    const summarized = lines.map((l) => /^(\d+) more like this/.exec(l)?.[1]).filter((n) => n !== undefined).map(Number);
    expect(lines.length - summarized.length + summarized.reduce((x, y) => x + y, 0)).toBe(600);
  });
});

describe('hostile input', () => {
  it('given hundreds of random and corrupted datagrams, when received, then the node stays up and keeps its members', async () => {
    cluster = new TestCluster('fuzz-packets');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    const samples = fc.sample(hostilePacket, { numRuns: 400, seed: 42 });
    for (const p of samples) {
      if (p.length > 0) await peer.send(a.address, p);
    }
    await cluster.advance(15_000);
    expect(a.node.member('b')?.state).toBe('alive');
    expect(b.node.member('a')?.state).toBe('alive');
    expect(await cluster.run(a.node.ping('b'))).toBeGreaterThanOrEqual(0);
    expect(a.metrics.counter(MetricNames.udpReceived)).toBeGreaterThan(0);
  });

  it('given random and corrupted stream frames, when served, then each stream ends (errMsg or close) and the node keeps serving', async () => {
    cluster = new TestCluster('fuzz-streams');
    const a = await cluster.add('a', { tcpTimeoutMs: 500 });
    peer = await RawPeer.start(cluster.network, '10.0.0.66:7946');
    const pushPull = encodePushPull({
      join: false,
      states: [{ name: 'z', addr: ipToBytes('10.0.0.77'), port: 7946, meta: null, incarnation: 1, state: 0, vsn: VSN }],
      userState: Uint8Array.of(1, 2, 3),
    });
    const frames = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.tuple(fc.constantFrom(pushPull, encodeCompress(pushPull)), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([f, cut, at, v]) => {
          const out = f.slice(0, Math.max(1, f.length - (cut % f.length)));
          out[at % out.length] = v;
          return out;
        }),
      ),
      { numRuns: 60, seed: 7 },
    );
    for (const f of frames) {
      const stream = await cluster.run(peer.endpoint.dial(a.address));
      await cluster.run(stream.write(f));
      await cluster.run(stream.close());
      await cluster.run(
        (async () => {
          for (;;) {
            const chunk = await stream.read().catch(() => null);
            if (chunk === null) return;
          }
        })(),
        5_000,
      );
    }
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    expect(a.node.member('b')?.state).toBe('alive');
  });
});
