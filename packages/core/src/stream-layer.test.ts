import type { Stream } from '@gossip/transport';
import {
  decodeCompress,
  decodeErr,
  decodePushPull,
  encodeAck,
  encodeCompress,
  encodePing,
  encodePushPull,
  encodeUserStream,
  ipToBytes,
  labelHeader,
} from '@gossip/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
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

const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0);

/** Reads everything the node sends until it closes the stream. */
async function readAll(stream: Stream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const chunk = await stream.read();
    if (chunk === null) break;
    parts.push(chunk);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function dial(address: string): Promise<Stream> {
  return cluster!.run(peer!.endpoint.dial(address));
}

async function exchange(address: string, bytes: Uint8Array): Promise<Uint8Array> {
  const stream = await dial(address);
  await cluster!.run(stream.write(bytes));
  return cluster!.run(readAll(stream));
}

describe('serving streams', () => {
  it('given a push/pull request, when served, then the node replies with its state (same join flag) and merges ours', async () => {
    cluster = new TestCluster('serve-pp');
    const merged: string[] = [];
    const a = await cluster.add('a', {
      delegate: { localState: () => Uint8Array.of(1, 2, 3), mergeRemoteState: (s, j) => merged.push(`${s.length}/${j}`) },
      enableCompression: false,
    });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const request = encodePushPull({
      join: true,
      states: [{ name: 'raw', addr: ipToBytes('10.0.0.60'), port: 7946, meta: null, incarnation: 1, state: 0, vsn: VSN }],
      userState: Uint8Array.of(9),
    });
    const reply = decodePushPull(await exchange(a.address, request));
    expect(reply.join).toBe(true);
    expect(reply.states.map((s) => [s.name, s.state, s.incarnation])).toEqual([['a', 0, 1]]);
    expect([...reply.userState]).toEqual([1, 2, 3]);
    expect(a.node.member('raw')?.state).toBe('alive');
    expect(merged).toEqual(['1/true']);
  });

  it('given a member whose entry was sent alive and that is then suspected, when the next push/pull is served, then the reply lists it suspect, with metadata and incarnations as held', async () => {
    cluster = new TestCluster('serve-pp-entries');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const entry = (name: string, incarnation: number, state: number, meta: Uint8Array | null = null) => ({
      name,
      addr: ipToBytes('10.0.0.61'),
      port: 7946,
      meta,
      incarnation,
      state,
      vsn: VSN,
    });
    const listed = (reply: Uint8Array) =>
      decodePushPull(reply)
        .states.map((s) => [s.name, s.state, s.incarnation, s.meta === null ? null : [...s.meta]])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    const request = (states: ReturnType<typeof entry>[]) => encodePushPull({ join: false, states, userState: new Uint8Array(0) });

    await exchange(a.address, request([entry('m1', 2, 0, Uint8Array.of(7, 7)), entry('m2', 1, 0)]));
    const before = listed(await exchange(a.address, request([entry('m2', 1, 1)])));
    const after = listed(await exchange(a.address, request([])));

    expect(before).toEqual([['a', 0, 1, null], ['m1', 0, 2, [7, 7]], ['m2', 0, 1, null]]);
    expect(a.node.member('m2')?.state).toBe('suspect');
    expect(after).toEqual([['a', 0, 1, null], ['m1', 0, 2, [7, 7]], ['m2', 1, 1, null]]);
  });

  it('given compression on, when served, then the reply frame is compressed', async () => {
    cluster = new TestCluster('serve-compressed');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const reply = await exchange(a.address, encodeCompress(encodePing({ seqNo: 5, node: 'a' })));
    expect(reply[0]).toBe(9);
    expect(decodeCompress(reply)).toEqual(encodeAck({ seqNo: 5, payload: null }));
  });

  it('given a malformed compressed request, when served, then the node answers with errMsg', async () => {
    cluster = new TestCluster('serve-err');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const bad = Uint8Array.of(0x09, 0x82, 0xa4, 0x41, 0x6c, 0x67, 0x6f, 0x07, 0xa3, 0x42, 0x75, 0x66, 0xa1, 0x00);
    const reply = await exchange(a.address, bad);
    expect(reply[0]).toBe(13);
    expect(decodeErr(reply).error).toContain('unknown algorithm');
  });

  it('given encryption is not configured, when an encrypted frame arrives, then errMsg explains it', async () => {
    cluster = new TestCluster('serve-enc');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const reply = await exchange(a.address, Uint8Array.of(0x0a, 0, 0, 0, 30, ...new Uint8Array(30)));
    expect(decodeErr(reply).error).toBe('Remote state is encrypted and encryption is not configured');
  });

  it('given a declared encrypted length above the limit, when read, then the stream is refused before buffering it', async () => {
    cluster = new TestCluster('serve-huge');
    const { fakeCipher } = await import('../test/fake-cipher.js');
    const a = await cluster.add('a', { cipher: fakeCipher(1) });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    await exchange(a.address, Uint8Array.of(0x0a, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3));
    expect(a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_TOO_LARGE' })).toBe(1);
  });

  it('given a reliable user message, when served, then notifyMsg gets the payload and nothing is answered', async () => {
    cluster = new TestCluster('serve-user');
    const got: number[][] = [];
    const a = await cluster.add('a', { delegate: { notifyMsg: (m) => got.push([...m]) } });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const stream = await dial(a.address);
    await cluster.run(stream.write(encodeUserStream(Uint8Array.of(4, 5, 6))));
    await cluster.run(stream.close());
    await cluster.advance(10);
    expect(got).toEqual([[4, 5, 6]]);
  });

  it('given a label, when a dialer sends the right label header, then the request is served; a wrong one is dropped silently', async () => {
    cluster = new TestCluster('serve-label');
    const a = await cluster.add('a', { label: 'prod', enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const ping = encodePing({ seqNo: 1, node: 'a' });
    const ok = await exchange(a.address, Uint8Array.of(...labelHeader('prod'), ...ping));
    expect(ok).toEqual(encodeAck({ seqNo: 1, payload: null }));
    const wrong = await exchange(a.address, Uint8Array.of(...labelHeader('dev'), ...ping));
    expect(wrong.length).toBe(0);
    const none = await exchange(a.address, ping);
    expect(none.length).toBe(0);
    expect(a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_LABEL' })).toBe(2);
  });

  it('given a stream ping for another node name, when served, then it is not answered', async () => {
    cluster = new TestCluster('serve-ping-wrong');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    expect((await exchange(a.address, encodePing({ seqNo: 1, node: 'b' }))).length).toBe(0);
  });

  it('given a peer that never finishes its frame, when tcpTimeout passes, then the node gives up on the stream', async () => {
    cluster = new TestCluster('serve-slowloris');
    const a = await cluster.add('a', { tcpTimeoutMs: 1_000 });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const stream = await dial(a.address);
    await cluster.run(stream.write(Uint8Array.of(0x06, 0x83)));
    const closed = readAll(stream).then(
      () => 'closed',
      () => 'reset',
    );
    await cluster.advance(1_500);
    expect(['closed', 'reset']).toContain(await closed);
  });
});

describe('inbound push/pull cap', () => {
  it('given a seed capped at 2 concurrent push/pulls, when 12 nodes join it at once, then extra exchanges are refused and counted', async () => {
    cluster = new TestCluster('pp-cap');
    cluster.network.setDefaults({ latencyMs: 5 });
    const seed = await cluster.add('seed', { maxConcurrentPushPulls: 2 });
    const joiners = [];
    for (let i = 0; i < 12; i++) joiners.push(await cluster.add(`j${i}`, { joinAttempts: 1 })); // one try each: refusals surface
    const results = await cluster.run(Promise.allSettled(joiners.map((j) => j.node.join([seed.address]))));
    const refused = results.filter((r) => r.status === 'rejected').length;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(12);
    expect(seed.metrics.counter(MetricNames.streamDropped, { code: 'ERR_OVERLOADED' })).toBe(refused);
  });
});

describe('dialing streams', () => {
  it('given a peer answering push/pull with errMsg, when joining it, then the join fails with the remote error', async () => {
    cluster = new TestCluster('dial-err');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const attempt = a.node.join(['10.0.0.60:7946']).catch((e: unknown) => e);
    await cluster.until(() => peer!.streams.length === 1, 1_000, 'dial');
    const s = peer.streams[0]!;
    const { encodeErr } = await import('@gossip/wire');
    await cluster.run(s.write(encodeErr({ error: 'go away' })));
    await cluster.run(s.close());
    const err = (await cluster.run(attempt)) as { code: string; causes: { error: { message: string; code: string } }[] };
    expect(err.code).toBe('ERR_JOIN');
    expect(err.causes[0]!.error).toMatchObject({ code: 'ERR_REMOTE', message: 'remote error: go away' });
  });

  it('given an abort signal, when aborted during join, then join rejects with ERR_ABORTED', async () => {
    cluster = new TestCluster('dial-abort');
    const a = await cluster.add('a');
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const controller = new AbortController();
    const attempt = a.node.join(['10.0.0.60:7946'], { signal: controller.signal }).catch((e: unknown) => e);
    await cluster.until(() => peer!.streams.length === 1, 1_000, 'dial');
    controller.abort();
    expect(await cluster.run(attempt)).toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('given seeds that do not answer, when joining, then JoinError lists each failure', async () => {
    cluster = new TestCluster('dial-none');
    const a = await cluster.add('a', { tcpTimeoutMs: 500 });
    const err = await cluster.run(a.node.join(['10.0.0.70:7946', '10.0.0.71']).catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 'ERR_JOIN' });
    expect((err as { causes: { address: string }[] }).causes.map((c) => c.address).sort()).toEqual([
      '10.0.0.70:7946',
      '10.0.0.71:7946',
    ]);
  });

  it('given a host name seed, when joining, then the transport resolves it and every address is contacted', async () => {
    cluster = new TestCluster('dial-dns');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const c = await cluster.add('c');
    cluster.network.addHost('seeds.local', ['10.0.0.1', '10.0.0.2']);
    expect(await cluster.run(c.node.join(['seeds.local:7946']))).toBe(2);
    void a;
    void b;
  });
});

describe('inbound push/pull cap before buffering', () => {
  it('given a seed capped at 1 push/pull and one slow push/pull in progress, when a second plain push/pull starts, then (with no slot wait) it is refused at once instead of being buffered until tcpTimeout', async () => {
    cluster = new TestCluster('pp-cap-early');
    const a = await cluster.add('a', { maxConcurrentPushPulls: 1, pushPullSlotWaitMs: 0, enableCompression: false, tcpTimeoutMs: 10_000 });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const header = encodePushPull({ join: false, states: [], userState: new Uint8Array(1000) }).subarray(0, 40);
    const first = await dial(a.address);
    await cluster.run(first.write(header));
    const second = await dial(a.address);
    await cluster.run(second.write(header));
    const outcome = readAll(second).then(
      () => 'closed',
      () => 'reset',
    );
    await cluster.advance(100);
    expect(['closed', 'reset']).toContain(await cluster.run(outcome, 100));
    expect(a.metrics.counter(MetricNames.streamDropped, { code: 'ERR_OVERLOADED' })).toBe(1);
    first.destroy();
  });
});

describe('push/pull merge rules (mergeState)', () => {
  const entry = (name: string, state: number, incarnation: number, port = 7946, ip = '10.0.0.61') => ({
    name,
    addr: ipToBytes(ip),
    port,
    meta: null,
    incarnation,
    state,
    vsn: VSN,
  });

  it('given known members, when a push/pull lists one dead, one left and a new one with port 0, then dead becomes suspect, left becomes left and port 0 becomes ours', async () => {
    cluster = new TestCluster('pp-merge-rules');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    const { encodeAlive } = await import('@gossip/wire');
    for (const [name, ip] of [['d', '10.0.0.62'], ['l', '10.0.0.63']] as const) {
      await cluster.run(peer.send(a.address, encodeAlive({ node: name, incarnation: 1, addr: ipToBytes(ip), port: 7946, meta: null, vsn: VSN })));
    }
    await cluster.advance(1);
    const request = encodePushPull({
      join: false,
      states: [entry('d', 2, 1, 7946, '10.0.0.62'), entry('l', 3, 1, 7946, '10.0.0.63'), entry('p0', 0, 1, 0, '10.0.0.64')],
      userState: new Uint8Array(0),
    });
    await exchange(a.address, request);
    expect(a.node.member('d')?.state).toBe('suspect');
    expect(a.node.member('l')?.state).toBe('left');
    expect(a.node.member('p0')).toMatchObject({ state: 'alive', port: 7946 });
  });

  it('given a push/pull that lists us as dead or left, when merged, then we refute and stay alive', async () => {
    cluster = new TestCluster('pp-merge-self');
    const a = await cluster.add('a', { enableCompression: false });
    peer = await RawPeer.start(cluster.network, '10.0.0.60:7946');
    await exchange(a.address, encodePushPull({ join: false, states: [entry('a', 2, 4, 7946, '10.0.0.1')], userState: new Uint8Array(0) }));
    expect(a.node.localNode()).toMatchObject({ state: 'alive', incarnation: 5 });
    await exchange(a.address, encodePushPull({ join: false, states: [entry('a', 3, 7, 7946, '10.0.0.1')], userState: new Uint8Array(0) }));
    expect(a.node.localNode()).toMatchObject({ state: 'alive', incarnation: 8 });
  });
});

describe('named seeds', () => {
  it('given a seed written name/host:port that does not answer, when joining, then the failure names the seed as given and its node name', async () => {
    cluster = new TestCluster('dial-named');
    const a = await cluster.add('a', { tcpTimeoutMs: 500 });
    const err = await cluster.run(a.node.join(['node-x/10.0.0.70:7946', '10.0.0.71']).catch((e: unknown) => e));
    const causes = (err as { causes: { address: string; seed?: string; name?: string }[] }).causes;
    const byAddress = Object.fromEntries(causes.map((c) => [c.address, { seed: c.seed, name: c.name }]));
    expect(byAddress).toEqual({
      '10.0.0.70:7946': { seed: 'node-x/10.0.0.70:7946', name: 'node-x' },
      '10.0.0.71:7946': { seed: '10.0.0.71', name: undefined },
    });
  });
});
