import type { Clock, Stream, TimerHandle } from '@gossip/transport';
import { type PushNodeState, decodeCompress, decodePushPull, encodeCompress, encodePushPull, encodeUserStream, ipToBytes } from '@gossip/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames, type PacketCipher } from './index.js';
import { fakeCipher } from '../test/fake-cipher.js';
import { TestCluster } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';

let cluster: TestCluster | undefined;
const peers: RawPeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.shutdown();
  await cluster?.shutdown();
  cluster = undefined;
});

const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0);

/**
 * The cluster's virtual clock, except that a yield (a 0 ms timer) takes 1 virtual ms, as a turn does on a busy
 * event loop: a frame processed in N steps then spans N ms, so a test can send something while it is under way.
 */
class TurnClock implements Clock {
  constructor(private readonly inner: Clock) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.inner.setTimeout(fn, delayMs === 0 ? 1 : delayMs);
  }
  clearTimeout(handle: TimerHandle): void {
    this.inner.clearTimeout(handle);
  }
}

function states(n: number, incarnation: number, reversed = false): PushNodeState[] {
  const list = Array.from({ length: n }, (_, i) => ({
    name: `n-${i}`,
    addr: ipToBytes(`10.9.${i >> 8}.${i & 0xff}`),
    port: 7946,
    meta: null,
    incarnation,
    state: 0,
    vsn: VSN,
  }));
  return reversed ? list.reverse() : list;
}

async function readAll(stream: Stream): Promise<Uint8Array> {
  const parts: number[] = [];
  for (;;) {
    const chunk = await stream.read();
    if (chunk === null) break;
    parts.push(...chunk);
  }
  return Uint8Array.from(parts);
}

async function peer(address: string): Promise<RawPeer> {
  const p = await RawPeer.start(cluster!.network, address);
  peers.push(p);
  return p;
}

/** Sends `request` on a new stream from `from` and reads everything the node answers. */
async function exchange(from: RawPeer, to: string, request: Uint8Array): Promise<Uint8Array> {
  const stream = await from.endpoint.dial(to);
  await stream.write(request);
  return readAll(stream);
}

const members = (t: { node: { members(): readonly unknown[] } }): number => t.node.members().length;

describe('a large push/pull processed in steps', () => {
  it('given a 300-node push/pull and pushPullBatchSize 64, when served, then it is decoded and merged in 5 batches each, with 8 yields, and the reply is our state', async () => {
    cluster = new TestCluster('steps-batches');
    const a = await cluster.add('a', { pushPullBatchSize: 64, enableCompression: false });
    const p = await peer('10.0.0.60:7946');
    const reply = await cluster.run(exchange(p, a.address, encodePushPull({ join: false, states: states(300, 1), userState: new Uint8Array(0) })));
    expect(decodePushPull(reply).states.map((s) => s.name)).toEqual(['a']);
    await cluster.until(() => members(a) === 301, 1000, 'merge');
    // Decoding 300 entries 64 at a time takes 5 steps (4 yields), merging them as many; our 1-entry reply none.
    expect(a.metrics.counter(MetricNames.streamYields)).toBe(8);
    expect(a.node.members().filter((m) => m.name.startsWith('n-') && m.state === 'alive' && m.incarnation === 1)).toHaveLength(300);
  });

  it('given a 300-node push/pull already merged, when the same list comes again with one entry newer, then only that entry is decoded and merged: the rest are recognised unchanged', async () => {
    cluster = new TestCluster('steps-unchanged');
    const a = await cluster.add('a', { pushPullBatchSize: 64, enableCompression: false });
    const p = await peer('10.0.0.60:7946');
    const send = (list: PushNodeState[]): Promise<Uint8Array> =>
      cluster!.run(exchange(p, a.address, encodePushPull({ join: false, states: list, userState: new Uint8Array(0) })));
    await send(states(300, 1));
    await cluster.until(() => members(a) === 301, 1000, 'merge');
    const yieldsBefore = a.metrics.counter(MetricNames.streamYields);
    const again = states(300, 1);
    again[7] = { ...again[7]!, incarnation: 2 };
    await send(again);
    await cluster.until(() => a.node.member('n-7')?.incarnation === 2, 1000, 'the newer entry merged');
    // Reading 300 entries 64 at a time still takes 5 steps (4 yields), and so does encoding our 301-entry reply;
    // the one entry left to merge takes a single batch, where merging all 300 took 5 (4 more yields).
    expect(a.metrics.counter(MetricNames.streamYields) - yieldsBefore).toBe(8);
    expect(a.node.members().filter((m) => m.name.startsWith('n-') && m.state === 'alive' && m.incarnation === 1)).toHaveLength(299);
  });

  it('given small frames, when served, then nothing yields (the work fits in one turn, as before)', async () => {
    cluster = new TestCluster('steps-small');
    const a = await cluster.add('a');
    const p = await peer('10.0.0.60:7946');
    await cluster.run(exchange(p, a.address, encodeCompress(encodePushPull({ join: false, states: states(20, 1), userState: new Uint8Array(10) }))));
    await cluster.until(() => members(a) === 21, 1000, 'merge');
    expect(a.metrics.counter(MetricNames.streamYields)).toBe(0);
  });

  it('given a compressed push/pull and a 4 KiB streamSliceBytes, when served, then it is inflated slice by slice, merged, and our compressed reply has the bytes of a one-shot compression', async () => {
    cluster = new TestCluster('steps-compressed');
    const a = await cluster.add('a', { streamSliceBytes: 4096, pushPullBatchSize: 100_000 });
    const p = await peer('10.0.0.60:7946');
    const request = encodePushPull({ join: false, states: states(1000, 1), userState: new Uint8Array(0) });
    await cluster.run(exchange(p, a.address, encodeCompress(request)));
    await cluster.until(() => members(a) === 1001, 1000, 'merge');
    // At least one yield per 8 KiB of output (a slice may overshoot by one dictionary entry), none for batches.
    const inflateYields = a.metrics.counter(MetricNames.streamYields);
    expect(inflateYields).toBeGreaterThanOrEqual(Math.floor(request.length / 8192));
    // The second push/pull's reply carries our 1,001 entries (~70 KB): compressed in slices too.
    const reply = await cluster.run(exchange(p, a.address, encodeCompress(encodePushPull({ join: false, states: states(1, 1), userState: new Uint8Array(0) }))));
    const inner = decodeCompress(reply);
    expect(decodePushPull(inner).states).toHaveLength(1001);
    expect(reply).toEqual(encodeCompress(inner));
    expect(a.metrics.counter(MetricNames.streamYields) - inflateYields).toBeGreaterThanOrEqual(Math.floor(inner.length / 4096));
  });

  it('given a second push/pull arriving while a first one merges, when both end, then their batches interleaved and each node holds its higher incarnation', async () => {
    cluster = new TestCluster('steps-concurrent');
    const a = await cluster.add('a', { pushPullBatchSize: 8, enableCompression: false }, undefined, { clock: new TurnClock(cluster.clock) });
    const p1 = await peer('10.0.0.60:7946');
    const p2 = await peer('10.0.0.61:7946');
    const joinedAt = new Map<string, number>();
    let second: Promise<Uint8Array> | undefined;
    // The second one names the last 200 nodes of the first one, newest first, at a higher incarnation.
    const later = states(800, 3, true).slice(0, 200);
    a.node.on('join', (e) => {
      if (!e.member.name.startsWith('n-')) return;
      joinedAt.set(e.member.name, e.member.incarnation);
      // The first entry of the first push/pull is merged: send the second one meanwhile.
      second ??= exchange(p2, a.address, encodePushPull({ join: false, states: later, userState: new Uint8Array(0) }));
    });
    await cluster.run(exchange(p1, a.address, encodePushPull({ join: false, states: states(800, 1), userState: new Uint8Array(0) })));
    await cluster.until(() => second !== undefined, 1000, 'second push/pull sent');
    await cluster.run(second!);
    await cluster.until(() => members(a) === 801, 5000, 'both merged');
    // Interleaved: the second push/pull reached most of its nodes before the first one did (they joined at 3, and
    // the first one's older alive for them was then ignored), while the first one was still merging. (Not all: the
    // second one's version check and reading take turns of their own, in which the first one merges on.)
    const at3 = [...joinedAt].filter(([, inc]) => inc === 3).map(([name]) => name);
    const laterNames = new Set(later.map((s) => s.name));
    expect(at3.every((name) => laterNames.has(name))).toBe(true);
    expect(at3.length).toBeGreaterThanOrEqual(150);
    const held = new Map(a.node.members().map((m) => [m.name, m.incarnation]));
    for (let i = 0; i < 800; i++) expect(held.get(`n-${i}`)).toBe(i >= 600 ? 3 : 1);
  });

  it('given one push/pull slot, when a second push/pull arrives while the first is still merging, then it is refused, and served once the merge has ended', async () => {
    cluster = new TestCluster('steps-slot');
    const a = await cluster.add(
      'a',
      { pushPullBatchSize: 8, enableCompression: false, maxConcurrentPushPulls: 1, pushPullSlotWaitMs: 0 },
      undefined,
      { clock: new TurnClock(cluster.clock) },
    );
    const p1 = await peer('10.0.0.60:7946');
    const p2 = await peer('10.0.0.61:7946');
    const small = encodePushPull({ join: false, states: [], userState: new Uint8Array(0) });
    let during: Promise<Uint8Array> | undefined;
    let joinsWhenRefused = -1;
    let joins = 0;
    a.node.on('join', () => {
      joins++;
      if (joins === 1) during = exchange(p2, a.address, small);
      const refused = a.metrics.counter(MetricNames.streamRefused, { limit: 'push_pull_slots' });
      if (refused > 0 && joinsWhenRefused < 0) joinsWhenRefused = joins;
    });
    await cluster.run(exchange(p1, a.address, encodePushPull({ join: false, states: states(400, 1), userState: new Uint8Array(0) })));
    await cluster.until(() => during !== undefined, 1000, 'second push/pull sent');
    expect(await cluster.run(during!)).toHaveLength(0);
    expect(a.metrics.counter(MetricNames.streamRefused, { limit: 'push_pull_slots' })).toBe(1);
    // Refused mid-merge: entries of the first push/pull were still being applied after the refusal.
    expect(joinsWhenRefused).toBeGreaterThan(1);
    expect(joinsWhenRefused).toBeLessThan(400);
    await cluster.until(() => members(a) === 401, 5000, 'first merge');
    const served = await cluster.run(exchange(p2, a.address, small));
    expect(decodePushPull(served).states).toHaveLength(401);
  });

  it('given a node shutting down while it merges a large push/pull, when it stops, then the merge stops between batches without an error', async () => {
    cluster = new TestCluster('steps-shutdown');
    const a = await cluster.add('a', { pushPullBatchSize: 8, enableCompression: false }, undefined, { clock: new TurnClock(cluster.clock) });
    const p = await peer('10.0.0.60:7946');
    let stopping: Promise<void> | undefined;
    a.node.on('join', () => {
      stopping ??= a.node.shutdown();
    });
    // The node resets the stream as it shuts down: what it answered does not matter here.
    await cluster.run(exchange(p, a.address, encodePushPull({ join: false, states: states(400, 1), userState: new Uint8Array(0) })).catch(() => undefined));
    await cluster.until(() => stopping !== undefined, 1000, 'shutdown started');
    await cluster.run(stopping!);
    await cluster.advance(100);
    expect(members(a)).toBeLessThan(401);
  });

  it('given a compressed frame inflating past maxInboundStreamBytes, when served, then inflation stops with ERR_OVERLOADED and the bytes are given back', async () => {
    cluster = new TestCluster('steps-budget');
    const got: number[] = [];
    const a = await cluster.add('a', { maxInboundStreamBytes: 300_000, streamSliceBytes: 16_384, delegate: { notifyMsg: (m) => got.push(m.length) } });
    const p = await peer('10.0.0.60:7946');
    await cluster.run(exchange(p, a.address, encodeCompress(encodeUserStream(new Uint8Array(1_000_000)))).catch(() => undefined));
    expect(a.metrics.counter(MetricNames.streamRefused, { limit: 'buffered_bytes' })).toBe(1);
    expect(got).toEqual([]);
    // Everything the refused stream held was given back: a frame needing most of the budget is served.
    await cluster.run(exchange(p, a.address, encodeCompress(encodeUserStream(new Uint8Array(150_000)))));
    await cluster.until(() => got.length === 1, 1000, 'user message');
    expect(got).toEqual([150_000]);
  });

  it('given an encrypted 300 KB push/pull and a cipher that opens in slices, when served, then it is decrypted 32 KiB per turn and merged', async () => {
    cluster = new TestCluster('steps-encrypted');
    const inner = fakeCipher(7);
    let steps = 0;
    const cipher: PacketCipher = {
      encrypt: (p, aad, v) => inner.encrypt(p, aad, v),
      decrypt: (d, aad) => inner.decrypt(d, aad),
      decryptInSteps: (d, aad) => {
        let at = 0;
        let out: Uint8Array | undefined;
        return {
          step: (bytes) => {
            steps++;
            at += bytes;
            if (at < d.length) return false;
            out = inner.decrypt(d, aad);
            return true;
          },
          result: () => out!,
        };
      },
    };
    const a = await cluster.add('a', { cipher, streamSliceBytes: 4096, enableCompression: false, pushPullBatchSize: 100_000 });
    const p = await peer('10.0.0.60:7946');
    const msg = encodePushPull({ join: false, states: states(4000, 1), userState: new Uint8Array(0) });
    const header = Uint8Array.of(0x0a, 0, 0, 0, 0);
    new DataView(header.buffer).setUint32(1, 1 + 12 + msg.length + 16);
    const frame = new Uint8Array([...header, ...inner.encrypt(msg, header, 1)]);
    await cluster.run(exchange(p, a.address, frame));
    await cluster.until(() => members(a) === 4001, 1000, 'merge');
    // 32 KiB per turn, handed to the cipher in 16 cuts of 2 KiB (a turn may stop early on a slow machine; the
    // virtual clock never does).
    const turns = Math.ceil((frame.length - 5) / 32_768);
    expect(steps).toBe(Math.ceil((frame.length - 5) / 2_048));
    expect(a.metrics.counter(MetricNames.streamYields)).toBe(turns - 1);
  });
});
